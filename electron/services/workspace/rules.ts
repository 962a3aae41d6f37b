import type { Statement } from 'better-sqlite3';
import type { Rule, RuleKind } from '../../../shared/src/domain.js';
import { fromJson, toJson } from './json.js';
import type { Workspace } from './workspace.js';

export const RULE_KINDS: readonly RuleKind[] = ['guidance', 'override', 'alias'];

/** A rule as the workspace keeps it: the domain rule, its place in the order and its undo state. */
export interface StoredRule {
  rule: Rule;
  position: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /**
   * Why a schema change set the rule aside (it names a field or value the schema no longer has), or
   * null. A rule set aside is disabled, kept, listed, and left out of the rulebook until it is edited
   * to fit (migration 008).
   */
  setAside: string | null;
}

/** A rule's row exactly as stored, for a change's undo to put back. */
export interface RuleRow {
  id: string;
  kind: RuleKind;
  body: string;
  enabled: number;
  position: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  set_aside: string | null;
}

const COLUMNS = 'id, kind, body, enabled, position, created_at, updated_at, deleted_at, set_aside';

const SQL = {
  insert: `INSERT INTO rules (id, kind, body, enabled, position, created_at, updated_at)
    VALUES (@id, @kind, @body, @enabled, @position, @at, @at)`,
  nextPosition: 'SELECT coalesce(max(position), 0) + 1 FROM rules',
  get: `SELECT ${COLUMNS} FROM rules WHERE id = ?`,
  list: `SELECT ${COLUMNS} FROM rules WHERE deleted_at IS NULL ORDER BY position, id`,
  active: `SELECT ${COLUMNS} FROM rules WHERE deleted_at IS NULL AND set_aside IS NULL ORDER BY position, id`,
  listAll: `SELECT ${COLUMNS} FROM rules ORDER BY position, id`,
  // An edit (checked against the draft by its caller) brings a rule set aside back into the rulebook.
  update: `UPDATE rules SET kind = @kind, body = @body, enabled = @enabled, set_aside = NULL, updated_at = @at
    WHERE id = @id AND deleted_at IS NULL`,
  // A rule set aside stays disabled until it is edited to fit the schema.
  setEnabled: 'UPDATE rules SET enabled = @enabled, updated_at = @at WHERE id = @id AND deleted_at IS NULL AND set_aside IS NULL',
  forSchema: `UPDATE rules SET body = @body, enabled = @enabled, set_aside = @set_aside, updated_at = @at
    WHERE id = @id AND deleted_at IS NULL`,
  row: `SELECT ${COLUMNS} FROM rules WHERE id = ?`,
  putRow: `INSERT INTO rules (${COLUMNS}) VALUES (@id, @kind, @body, @enabled, @position, @created_at, @updated_at, @deleted_at, @set_aside)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, body = excluded.body, enabled = excluded.enabled, position = excluded.position,
      created_at = excluded.created_at, updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, set_aside = excluded.set_aside`,
  setPosition: 'UPDATE rules SET position = @position, updated_at = @at WHERE id = @id',
  softDelete: 'UPDATE rules SET deleted_at = @at, updated_at = @at WHERE id = @id AND deleted_at IS NULL',
  restore: 'UPDATE rules SET deleted_at = NULL, updated_at = @at WHERE id = @id AND deleted_at IS NOT NULL',
} as const;

type Row = RuleRow;

type Params = Record<string, string | number | null>;

export class RuleRepository {
  private readonly insertStmt: Statement<[Params]>;
  private readonly nextPositionStmt: Statement<[], number>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly listStmt: Statement<[], Row>;
  private readonly activeStmt: Statement<[], Row>;
  private readonly forSchemaStmt: Statement<[Params]>;
  private readonly rowStmt: Statement<[string], Row>;
  private readonly putRowStmt: Statement<[Params]>;
  private readonly listAllStmt: Statement<[], Row>;
  private readonly updateStmt: Statement<[Params]>;
  private readonly setEnabledStmt: Statement<[Params]>;
  private readonly setPositionStmt: Statement<[Params]>;
  private readonly softDeleteStmt: Statement<[Params]>;
  private readonly restoreStmt: Statement<[Params]>;

  constructor(private readonly ws: Workspace) {
    const db = ws.db;
    this.insertStmt = db.prepare(SQL.insert);
    this.nextPositionStmt = db.prepare<[], number>(SQL.nextPosition).pluck();
    this.getStmt = db.prepare(SQL.get);
    this.listStmt = db.prepare(SQL.list);
    this.activeStmt = db.prepare(SQL.active);
    this.forSchemaStmt = db.prepare(SQL.forSchema);
    this.rowStmt = db.prepare(SQL.row);
    this.putRowStmt = db.prepare(SQL.putRow);
    this.listAllStmt = db.prepare(SQL.listAll);
    this.updateStmt = db.prepare(SQL.update);
    this.setEnabledStmt = db.prepare(SQL.setEnabled);
    this.setPositionStmt = db.prepare(SQL.setPosition);
    this.softDeleteStmt = db.prepare(SQL.softDelete);
    this.restoreStmt = db.prepare(SQL.restore);
  }

  /** Adds rules at the end of the order, in one transaction (all or none). */
  createMany(rules: readonly Rule[]): StoredRule[] {
    return this.ws.write(() =>
      rules.map((rule) => {
        checkRule(rule);
        const at = this.ws.timestamp();
        this.insertStmt.run({
          id: rule.id,
          kind: rule.kind,
          body: toJson(rule),
          enabled: rule.enabled ? 1 : 0,
          position: this.nextPositionStmt.get()!,
          at,
        });
        return this.get(rule.id)!;
      }),
    );
  }

  create(rule: Rule): StoredRule {
    return this.createMany([rule])[0]!;
  }

  get(id: string): StoredRule | null {
    const row = this.getStmt.get(id);
    return row ? mapRow(row) : null;
  }

  /** In order of application; deleted ones only when asked. */
  list(options: { includeDeleted?: boolean } = {}): StoredRule[] {
    return (options.includeDeleted ? this.listAllStmt : this.listStmt).all().map(mapRow);
  }

  /** The domain rules a rulebook holds: not deleted nor set aside, in order (disabled ones included, marked so). */
  active(): Rule[] {
    return this.activeStmt.all().map((row) => mapRow(row).rule);
  }

  /**
   * A schema change's rewrite of a rule (not deleted): its new content, and whether it is set aside
   * (with why; a rule set aside is stored disabled) or back in the rulebook (null).
   */
  rewriteForSchema(rule: Rule, setAside: string | null): boolean {
    checkRule(rule);
    return this.ws.write(
      () =>
        this.forSchemaStmt.run({
          id: rule.id,
          body: toJson(rule),
          enabled: rule.enabled && setAside === null ? 1 : 0,
          set_aside: setAside,
          at: this.ws.timestamp(),
        }).changes === 1,
    );
  }

  /** Rows exactly as stored (those that exist, in the order asked). */
  rows(ids: readonly string[]): RuleRow[] {
    return ids.map((id) => this.rowStmt.get(id)).filter((r): r is Row => r !== undefined);
  }

  /** Puts rows back exactly as `rows` read them (an undo). */
  putRows(rows: readonly RuleRow[]): void {
    this.ws.write(() => {
      for (const row of rows) this.putRowStmt.run({ ...row });
    });
  }

  /** Replaces a rule's content (same id). */
  update(rule: Rule): StoredRule | null {
    checkRule(rule);
    return this.ws.write(() => {
      const changed = this.updateStmt.run({
        id: rule.id,
        kind: rule.kind,
        body: toJson(rule),
        enabled: rule.enabled ? 1 : 0,
        at: this.ws.timestamp(),
      }).changes;
      return changed === 1 ? this.get(rule.id) : null;
    });
  }

  setEnabled(id: string, enabled: boolean): boolean {
    return this.ws.write(
      () => this.setEnabledStmt.run({ id, enabled: enabled ? 1 : 0, at: this.ws.timestamp() }).changes === 1,
    );
  }

  /** Puts the given rules first, in the given order; the others keep their relative order after them. */
  reorder(ids: readonly string[]): void {
    this.ws.write(() => {
      const rest = this.listAllStmt.all().filter((row) => !ids.includes(row.id)).map((row) => row.id);
      const at = this.ws.timestamp();
      [...ids, ...rest].forEach((id, i) => {
        if (this.setPositionStmt.run({ id, position: i + 1, at }).changes !== 1) throw new Error(`no rule ${id}`);
      });
    });
  }

  /** Marks the rule deleted; `restore` undoes it. */
  delete(id: string): boolean {
    return this.ws.write(() => this.softDeleteStmt.run({ id, at: this.ws.timestamp() }).changes === 1);
  }

  restore(id: string): boolean {
    return this.ws.write(() => this.restoreStmt.run({ id, at: this.ws.timestamp() }).changes === 1);
  }
}

function checkRule(rule: Rule): void {
  if (typeof rule?.id !== 'string' || rule.id === '') throw new TypeError('a rule needs an id');
  if (!RULE_KINDS.includes(rule.kind)) throw new TypeError(`unknown rule kind: ${String(rule.kind)}`);
}

function mapRow(row: Row): StoredRule {
  const body = fromJson<Rule>(row.body);
  return {
    rule: { ...body, id: row.id, enabled: row.enabled === 1 } as Rule,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    setAside: row.set_aside,
  };
}
