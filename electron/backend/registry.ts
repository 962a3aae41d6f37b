// The backend's handlers come in groups (core, import, teach, runs), one per feature. They are
// joined here, where a method two groups both define is an error at start-up (an object spread
// would let the later one win without a word), and where the result must be the whole API: a
// method of the contract with no handler is a compile error in createBackend, and an error here.
import { API_METHOD_NAMES, type ApiMethod } from '../../shared/src/api/names.js';
import type { ApiHandlers } from '../../shared/src/api/index.js';

type Group = Partial<ApiHandlers>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** The groups' handlers together: assignable to ApiHandlers only when every method is there. */
type Joined<G extends readonly Group[]> = UnionToIntersection<G[number]>;

/** The groups as one handler table. Throws on a method defined twice or a method of the contract left out. */
export function joinHandlers<G extends readonly Group[]>(...groups: G): Joined<G> {
  const table: Partial<Record<ApiMethod, unknown>> = {};
  for (const group of groups) {
    for (const [method, handler] of Object.entries(group) as [ApiMethod, unknown][]) {
      if (Object.prototype.hasOwnProperty.call(table, method)) throw new Error(`the API method "${method}" has two handlers`);
      if (!API_METHOD_NAMES.includes(method)) throw new Error(`"${method}" is not a method of the API contract`);
      table[method] = handler;
    }
  }
  const missing = API_METHOD_NAMES.filter((m) => !Object.prototype.hasOwnProperty.call(table, m));
  if (missing.length) throw new Error(`no handler for the API method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return Object.freeze(table) as Joined<G>;
}
