// What changed between two rulebooks, as data (for the app and `casebook diff --json`) and as text
// for a terminal.
import type { FieldSpec, JsonValue, ModelSettings, Precedent, Rule, RuleKind, RulebookArtifact } from '../domain.js';
import { canonicalJson } from './canonical.js';
import { printable } from './printable.js';

export interface ValueChange<T = JsonValue> {
  from: T;
  to: T;
}

/** A top-level property of a field, rule or precedent that differs; absent on one side = undefined. */
export interface PropertyChange {
  property: string;
  from: JsonValue | undefined;
  to: JsonValue | undefined;
}

export interface FieldDiff {
  name: string;
  changes: PropertyChange[];
  /** For enum fields: values added, removed, or changed (description or aliases). */
  values?: { added: string[]; removed: string[]; changed: string[] };
}

export interface RuleDiff {
  id: string;
  kind: RuleKind;
  /** Set when the rule was switched on or off. */
  enabled?: ValueChange<boolean>;
  /** Other properties that changed (the `enabled` toggle is not repeated here). */
  changes: PropertyChange[];
}

export interface OutputFieldChange {
  field: string;
  from: JsonValue | undefined;
  to: JsonValue | undefined;
}

export interface PrecedentDiff {
  id: string;
  /** The correct output, field by field. */
  output: OutputFieldChange[];
  /** Other properties (message, rationale, tags, author, createdAt). */
  changes: PropertyChange[];
}

export interface RulebookDiff {
  from: { id: string; version: number; hash: string };
  to: { id: string; version: number; hash: string };
  meta: {
    id?: ValueChange<string>;
    name?: ValueChange<string>;
    version?: ValueChange<number>;
    parent?: ValueChange<RulebookArtifact['parent']>;
    formatVersion?: ValueChange<string>;
    createdAt?: ValueChange<string>;
  };
  instructions: ValueChange<string> | null;
  schema: { added: FieldSpec[]; removed: FieldSpec[]; changed: FieldDiff[]; reordered: boolean };
  rules: { added: Rule[]; removed: Rule[]; changed: RuleDiff[]; reordered: boolean };
  precedents: { added: Precedent[]; removed: Precedent[]; changed: PrecedentDiff[] };
  settings: { key: keyof ModelSettings; from: JsonValue | undefined; to: JsonValue | undefined }[];
  /**
   * True when the two rulebooks have the same content: only version, parent, createdAt, format
   * version (and so hash and signature) may differ.
   */
  isEmpty: boolean;
}

const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
};

function propertyChanges(a: object, b: object, skip: readonly string[] = []): PropertyChange[] {
  const ra = a as Record<string, JsonValue | undefined>;
  const rb = b as Record<string, JsonValue | undefined>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => !skip.includes(k)).sort();
  return keys.filter((k) => !same(ra[k], rb[k])).map((k) => ({ property: k, from: ra[k], to: rb[k] }));
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const t of items) if (!m.has(key(t))) m.set(key(t), t);
  return m;
}

/** Whether the items both sides have in common appear in a different order. */
function reordered(a: readonly string[], b: readonly string[]): boolean {
  const inB = new Set(b);
  const inA = new Set(a);
  const ca = a.filter((k) => inB.has(k));
  const cb = b.filter((k) => inA.has(k));
  return ca.some((k, i) => k !== cb[i]);
}

function keyedDiff<T, D>(a: readonly T[], b: readonly T[], key: (t: T) => string, changed: (x: T, y: T) => D | null) {
  const ma = byKey(a, key);
  const mb = byKey(b, key);
  const added = b.filter((t) => !ma.has(key(t)));
  const removed = a.filter((t) => !mb.has(key(t)));
  const changes: D[] = [];
  for (const [k, y] of mb) {
    const x = ma.get(k);
    if (x === undefined || same(x, y)) continue;
    const d = changed(x, y);
    if (d) changes.push(d);
  }
  return { added, removed, changed: changes, reordered: reordered(a.map(key), b.map(key)) };
}

function fieldDiff(x: FieldSpec, y: FieldSpec): FieldDiff {
  const d: FieldDiff = { name: y.name, changes: propertyChanges(x, y) };
  if (x.type === 'enum' || y.type === 'enum') {
    const vx = byKey(x.values ?? [], (v) => v.value);
    const vy = byKey(y.values ?? [], (v) => v.value);
    const values = {
      added: [...vy.keys()].filter((k) => !vx.has(k)),
      removed: [...vx.keys()].filter((k) => !vy.has(k)),
      changed: [...vy.keys()].filter((k) => vx.has(k) && !same(vx.get(k), vy.get(k))),
    };
    if (values.added.length || values.removed.length || values.changed.length) d.values = values;
  }
  return d;
}

function ruleDiff(x: Rule, y: Rule): RuleDiff {
  const d: RuleDiff = { id: y.id, kind: y.kind, changes: propertyChanges(x, y, ['enabled']) };
  if (x.enabled !== y.enabled) d.enabled = { from: x.enabled, to: y.enabled };
  return d;
}

function precedentDiff(x: Precedent, y: Precedent): PrecedentDiff {
  const fields = [...new Set([...Object.keys(x.output), ...Object.keys(y.output)])];
  const output = fields
    .filter((f) => !same(x.output[f], y.output[f]))
    .map((f) => ({ field: f, from: x.output[f], to: y.output[f] }));
  return { id: y.id, output, changes: propertyChanges(x, y, ['output']) };
}

export function diffRulebooks(a: RulebookArtifact, b: RulebookArtifact): RulebookDiff {
  const meta: RulebookDiff['meta'] = {};
  if (a.id !== b.id) meta.id = { from: a.id, to: b.id };
  if (a.name !== b.name) meta.name = { from: a.name, to: b.name };
  if (a.version !== b.version) meta.version = { from: a.version, to: b.version };
  if (!same(a.parent, b.parent)) meta.parent = { from: a.parent, to: b.parent };
  if (a.formatVersion !== b.formatVersion) meta.formatVersion = { from: a.formatVersion, to: b.formatVersion };
  if (a.createdAt !== b.createdAt) meta.createdAt = { from: a.createdAt, to: b.createdAt };

  const schema = keyedDiff(a.schema.fields, b.schema.fields, (f) => f.name, fieldDiff);
  const rules = keyedDiff(a.rules, b.rules, (r) => r.id, ruleDiff);
  const { reordered: _r, ...precedents } = keyedDiff(a.precedents, b.precedents, (p) => p.id, precedentDiff);
  const settingKeys = [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort() as (keyof ModelSettings)[];
  const settings = settingKeys
    .filter((k) => !same(a.settings[k], b.settings[k]))
    .map((k) => ({ key: k, from: a.settings[k], to: b.settings[k] }));
  const instructions = a.instructions === b.instructions ? null : { from: a.instructions, to: b.instructions };

  const isEmpty =
    meta.id === undefined &&
    meta.name === undefined &&
    instructions === null &&
    !schema.added.length && !schema.removed.length && !schema.changed.length && !schema.reordered &&
    !rules.added.length && !rules.removed.length && !rules.changed.length && !rules.reordered &&
    !precedents.added.length && !precedents.removed.length && !precedents.changed.length &&
    settings.length === 0;

  return {
    from: { id: a.id, version: a.version, hash: a.hash },
    to: { id: b.id, version: b.version, hash: b.hash },
    meta,
    instructions,
    schema,
    rules,
    precedents,
    settings,
    isEmpty,
  };
}

/** Whether a diff has no content change (see RulebookDiff.isEmpty). */
export function isRulebookDiffEmpty(diff: RulebookDiff): boolean {
  return diff.isEmpty;
}

// ---------------------------------------------------------------------------------------------
// Text form.

const show = (v: unknown, max = 100): string => {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const arrow = (from: unknown, to: unknown) => `${show(from)} -> ${show(to)}`;
const parentText = (p: RulebookArtifact['parent']) => (p ? `v${p.version} ${p.hash.slice(0, 19)}…` : 'none');

/** A line diff of two texts (longest common subsequence), as `+ line` / `- line`. */
function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length * y.length > 250_000) return [...x.map((l) => `- ${l}`), ...y.map((l) => `+ ${l}`)];
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${x[i++]}`);
    else out.push(`+ ${y[j++]}`);
  }
  while (i < x.length) out.push(`- ${x[i++]}`);
  while (j < y.length) out.push(`+ ${y[j++]}`);
  return out;
}

function ruleSummary(r: Rule): string {
  switch (r.kind) {
    case 'guidance':
      return `guidance [${r.fields.join(', ')}] ${show(r.instruction, 80)}`;
    case 'override':
      return `override when ${show(r.when, 80)} set ${show(r.set, 60)}`;
    case 'alias':
      return r.target === 'key' ? `alias key "${r.from}" -> field ${r.field}` : `alias value "${r.from}" -> ${show(r.to)} in ${r.field}`;
  }
}

/** The diff for a terminal: one change per line, prefixed `+` (added), `-` (removed) or `~` (changed). */
export function formatRulebookDiff(diff: RulebookDiff): string {
  const lines: string[] = [`rulebook ${diff.from.id} v${diff.from.version} -> ${diff.to.id} v${diff.to.version}`];
  const m = diff.meta;
  if (m.id) lines.push(`~ id: ${arrow(m.id.from, m.id.to)}`);
  if (m.name) lines.push(`~ name: ${arrow(m.name.from, m.name.to)}`);
  if (m.version) lines.push(`~ version: ${m.version.from} -> ${m.version.to}`);
  if (m.parent) lines.push(`~ parent: ${parentText(m.parent.from)} -> ${parentText(m.parent.to)}`);
  if (m.formatVersion) lines.push(`~ formatVersion: ${m.formatVersion.from} -> ${m.formatVersion.to}`);
  if (diff.instructions) {
    lines.push('~ instructions:');
    for (const l of lineDiff(diff.instructions.from, diff.instructions.to)) lines.push(`  ${l}`);
  }
  for (const f of diff.schema.added) lines.push(`+ field ${f.name} (${f.type}${f.nullable ? ', nullable' : ''})`);
  for (const f of diff.schema.removed) lines.push(`- field ${f.name} (${f.type})`);
  for (const f of diff.schema.changed) {
    lines.push(`~ field ${f.name}: ${f.changes.map((c) => c.property).join(', ')}`);
    for (const c of f.changes) if (c.property !== 'values') lines.push(`    ${c.property}: ${arrow(c.from, c.to)}`);
    if (f.values) {
      for (const v of f.values.added) lines.push(`    + value ${JSON.stringify(v)}`);
      for (const v of f.values.removed) lines.push(`    - value ${JSON.stringify(v)}`);
      for (const v of f.values.changed) lines.push(`    ~ value ${JSON.stringify(v)}`);
    }
  }
  if (diff.schema.reordered) lines.push('~ fields reordered');
  for (const r of diff.rules.added) lines.push(`+ rule ${r.id}${r.enabled ? '' : ' (disabled)'}: ${ruleSummary(r)}`);
  for (const r of diff.rules.removed) lines.push(`- rule ${r.id}: ${ruleSummary(r)}`);
  for (const r of diff.rules.changed) {
    if (r.enabled) lines.push(`~ rule ${r.id} ${r.enabled.to ? 'enabled' : 'disabled'}`);
    if (r.changes.length) {
      lines.push(`~ rule ${r.id} (${r.kind}): ${r.changes.map((c) => c.property).join(', ')}`);
      for (const c of r.changes) lines.push(`    ${c.property}: ${arrow(c.from, c.to)}`);
    }
  }
  if (diff.rules.reordered) lines.push('~ rules reordered (overrides apply in order)');
  for (const p of diff.precedents.added) lines.push(`+ precedent ${p.id}: ${show(p.message.text, 60)} => ${show(p.output, 80)}`);
  for (const p of diff.precedents.removed) lines.push(`- precedent ${p.id}: ${show(p.message.text, 60)}`);
  for (const p of diff.precedents.changed) {
    lines.push(`~ precedent ${p.id}:`);
    for (const o of p.output) lines.push(`    output.${o.field}: ${arrow(o.from, o.to)}`);
    for (const c of p.changes) lines.push(`    ${c.property}: ${arrow(c.from, c.to)}`);
  }
  for (const s of diff.settings) lines.push(`~ settings.${s.key}: ${arrow(s.from, s.to)}`);
  if (diff.isEmpty) lines.push('(no content changes)');
  // Ids, names and instructions come from the files: each line stays one line, without control characters.
  return lines.map(printable).join('\n');
}
