/** One numbered step of the workspace schema. Once released, a migration's `up` is never edited:
 * its sha256 is recorded in `schema_migrations` and a workspace whose record differs is refused. */
export interface Migration {
  /** 1, 2, 3 ... in order, without gaps; the file is named `00N_name.ts`. */
  id: number;
  name: string;
  /** SQL run in one transaction. No `PRAGMA`s that cannot run inside a transaction. */
  up: string;
}
