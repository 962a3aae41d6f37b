// A rulebook difference as a changelog: one plain sentence per change, for a version's history and
// for people who read it (the full difference is formatRulebookDiff's).
import type { FieldSpec, JsonValue, Rule } from '../domain.js';
import { canonicalJson } from './canonical.js';
import type { RulebookDiff } from './diff.js';
import { printable } from './printable.js';

/** What a changelog line is about. */
export type ChangelogKind = 'field' | 'value' | 'rule' | 'precedent' | 'instructions' | 'settings' | 'schema' | 'gate' | 'name';

/** One line of a version's changelog. */
export interface ChangelogEntry {
  kind: ChangelogKind;
  text: string;
}

/** Past this many precedents added (removed, changed) at once, one line counts them. */
export const PRECEDENT_LINES_MAX = 20;

const quote = (s: string, max = 60): string => {
  const one = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max - 1)}…` : one);
};
const value = (v: JsonValue | undefined, max = 60): string => {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (items: readonly string[]) => items.join(', ');

function fieldText(f: FieldSpec): string {
  const values = f.type === 'enum' && f.values?.length ? `: ${list(f.values.map((v) => v.value))}` : '';
  return `${f.name} (${f.type}${f.nullable ? ', may be empty' : ''}${values})`;
}

/** The same field under another name: every property but the name (and description) equal. */
function sameButName(a: FieldSpec, b: FieldSpec): boolean {
  const strip = ({ name: _n, description: _d, ...rest }: FieldSpec) => canonicalJson(rest);
  return strip(a) === strip(b);
}

const KIND_WORD: Record<Rule['kind'], string> = { guidance: 'guidance', override: 'override', alias: 'alias' };

function ruleText(r: Rule): string {
  switch (r.kind) {
    case 'guidance':
      return `guidance for ${list(r.fields)}: ${quote(r.instruction, 80)}`;
    case 'override':
      return `override setting ${list(Object.entries(r.set).map(([k, v]) => `${k} to ${value(v, 40)}`))}`;
    case 'alias':
      return r.target === 'key' ? `alias: key "${r.from}" means field ${r.field}` : `alias: "${r.from}" means ${value(r.to)} in ${r.field}`;
  }
}

/** The changelog of a difference between two rulebooks: plain sentences, in the order of the diff. */
export function changelogOf(diff: RulebookDiff): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  const add = (kind: ChangelogEntry['kind'], text: string) => out.push({ kind, text: printable(text) });

  if (diff.meta.name) add('name', `Renamed the rulebook from ${quote(diff.meta.name.from)} to ${quote(diff.meta.name.to)}.`);

  // Fields: a removed field and an added one that are alike but for the name were renamed.
  const added = [...diff.schema.added];
  const removed: FieldSpec[] = [];
  for (const r of diff.schema.removed) {
    const i = added.findIndex((a) => sameButName(r, a));
    if (i >= 0) {
      add('field', `Renamed field ${r.name} to ${added[i]!.name}.`);
      added.splice(i, 1);
    } else removed.push(r);
  }
  for (const f of added) add('field', `Added field ${fieldText(f)}.`);
  for (const f of removed) add('field', `Removed field ${f.name}.`);
  for (const f of diff.schema.changed) {
    const props = f.changes.map((c) => c.property).filter((p) => p !== 'values');
    for (const p of props) {
      const c = f.changes.find((x) => x.property === p)!;
      if (p === 'description') add('field', `Changed the description of field ${f.name}.`);
      else if (p === 'type') add('field', `Changed the type of field ${f.name} from ${value(c.from)} to ${value(c.to)}.`);
      else if (p === 'nullable') add('field', `Field ${f.name} ${c.to ? 'may now be empty' : 'must now have a value'}.`);
      else if (p === 'aliases') add('field', `Changed the aliases of field ${f.name} to ${value(c.to)}.`);
      else add('field', `Changed ${p} of field ${f.name} from ${value(c.from)} to ${value(c.to)}.`);
    }
    if (f.values) {
      const { added: va, removed: vr, changed: vc } = f.values;
      if (va.length === 1 && vr.length === 1) {
        add('value', `Renamed value "${vr[0]}" of field ${f.name} to "${va[0]}".`);
      } else {
        for (const v of va) add('value', `Added value "${v}" to field ${f.name}.`);
        for (const v of vr) add('value', `Removed value "${v}" from field ${f.name}.`);
      }
      for (const v of vc) add('value', `Changed the description or aliases of value "${v}" of field ${f.name}.`);
    }
  }
  if (diff.schema.reordered) add('field', 'Reordered the fields.');

  for (const r of diff.rules.added) add('rule', `Added ${r.enabled ? '' : 'disabled '}rule ${r.id} (${ruleText(r)}).`);
  for (const r of diff.rules.changed) {
    if (r.enabled) add('rule', `${r.enabled.to ? 'Enabled' : 'Disabled'} ${KIND_WORD[r.kind]} rule ${r.id}.`);
    if (r.changes.length) add('rule', `Changed ${KIND_WORD[r.kind]} rule ${r.id}: ${list(r.changes.map((c) => c.property))}.`);
  }
  for (const r of diff.rules.removed) add('rule', `Removed ${KIND_WORD[r.kind]} rule ${r.id}.`);
  if (diff.rules.reordered) add('rule', 'Reordered the rules (overrides apply in order).');

  const p = diff.precedents;
  if (p.added.length > PRECEDENT_LINES_MAX) add('precedent', `Added ${plural(p.added.length, 'precedent')}.`);
  else for (const x of p.added) add('precedent', `Added precedent ${x.id}: ${quote(x.message.text)}.`);
  if (p.changed.length > PRECEDENT_LINES_MAX) add('precedent', `Changed ${plural(p.changed.length, 'precedent')}.`);
  else {
    for (const x of p.changed) {
      const parts = [
        ...x.output.map((o) => `${o.field} ${value(o.from, 40)} → ${value(o.to, 40)}`),
        ...x.changes.map((c) => (c.property === 'message' ? 'its message' : c.property)),
      ];
      add('precedent', `Changed precedent ${x.id}: ${list(parts)}.`);
    }
  }
  if (p.removed.length > PRECEDENT_LINES_MAX) add('precedent', `Removed ${plural(p.removed.length, 'precedent')}.`);
  else for (const x of p.removed) add('precedent', `Removed precedent ${x.id}: ${quote(x.message.text)}.`);

  if (diff.instructions) {
    const before = diff.instructions.from.trim() === '';
    const after = diff.instructions.to.trim() === '';
    add('instructions', before ? 'Wrote the instructions.' : after ? 'Removed the instructions.' : 'Changed the instructions.');
  }
  for (const s of diff.settings) add('settings', `Changed model setting ${s.key} from ${value(s.from)} to ${value(s.to)}.`);
  return out;
}
