// The impact preview of a rule: for every message with an extraction, what saving the rule would
// change in its newest output, old value beside new. Deterministic and without a model, so it is
// quick over a whole workspace: the workspace is read in pages, newest message first, and a text
// condition narrows the scan through the full-text index first (see prefilter.ts).
import type { RuleImpact } from '../../../shared/src/api/index.js';
import type { AliasRule, Extraction, ExtractionSchema, FieldChange, JsonValue, OverrideRule, Rule } from '../../../shared/src/domain.js';
import { normaliseMessage } from '../../../shared/src/pipeline/normalise.js';
import { parseModelOutput } from '../../../shared/src/pipeline/parse.js';
import { applyOverrides, ruleText } from '../../../shared/src/rules/overrides.js';
import { applyAliases } from '../../../shared/src/schema/aliases.js';
import type { LatestCursor, LatestRow, LatestTextFilter, Repositories } from '../../services/workspace/index.js';
import { TimeSlice } from '../time-slice.js';
import { textFilter } from './prefilter.js';

const PAGE = 1000;
const PREVIEW_CHARS = 160;

type Change = RuleImpact['changed'][number];
type FieldDiff = Change['fields'][number];

export interface ImpactInput {
  rule: Rule;
  /** The draft's schema and its rules as stored now (the rule itself may be among them). */
  schema: ExtractionSchema;
  rules: readonly Rule[];
  limit: number;
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The text rules read: the message normalised as the pipeline normalises it, subject and body. */
function textOf(row: LatestRow): string {
  return ruleText(normaliseMessage({ text: row.text, ...(row.subject ? { subject: row.subject } : {}) }));
}

function preview(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

/** The fields that differ between two outputs, in the order of `fields`. */
function diff(before: Extraction, after: Extraction, fields: readonly string[]): FieldDiff[] {
  return fields.filter((f) => !same(before[f], after[f])).map((field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }));
}

/**
 * An override: applied alone to each newest output (as if enabled: a disabled rule is previewed for
 * when it is switched on). Editing a saved rule: where its saved version changed the newest output
 * (the trace's rulesFired), that change is taken back first (each field it set that still holds
 * what it set), so the preview shows what the edited version does instead: a message it no longer
 * matches goes back to what the model said, a field it no longer sets too.
 */
function overrideChange(rule: OverrideRule, fired: ReadonlyMap<string, readonly FieldChange[]>) {
  const enabled: OverrideRule = { ...rule, enabled: true };
  const fields = Object.keys(rule.set);
  return (row: LatestRow): FieldDiff[] => {
    const earlier = fired.get(row.messageId);
    let base = row.output;
    const touched = new Set(fields);
    if (earlier?.length) {
      base = { ...row.output };
      for (const c of earlier) {
        if (!same(base[c.field], c.to)) continue;
        if (c.from === undefined) delete base[c.field];
        else base[c.field] = c.from;
        touched.add(c.field);
      }
    }
    const { output } = applyOverrides([enabled], textOf(row), base);
    return diff(row.output, output, [...touched]);
  };
}

/** How many messages a saved rule changed are taken back when its edit is previewed, at most. */
export const FIRED_LIMIT = 5000;

/** What the saved version of an override changed, per message (its newest extraction's trace); empty for a new rule. */
function firedChanges(repos: Repositories, rule: Rule, rules: readonly Rule[]): Map<string, FieldChange[]> {
  if (rule.kind !== 'override' || !rules.some((r) => r.id === rule.id)) return new Map();
  return new Map(repos.extractions.firedBy(rule.id, FIRED_LIMIT).rows.map((r) => [r.messageId, r.changed]));
}

/**
 * An alias: the newest raw answer replayed through the steps after the model (aliases, dropping
 * unknown keys, overrides) with the draft's rules and the alias, and without it; the fields that
 * come out differently are compared with the newest output. Messages without a raw answer (never
 * asked a model, human corrections) are not affected.
 */
function aliasChange(rule: AliasRule, schema: ExtractionSchema, rules: readonly Rule[]) {
  const enabled: AliasRule = { ...rule, enabled: true };
  const without = rules.filter((r) => r.id !== rule.id);
  const at = rules.findIndex((r) => r.id === rule.id);
  const withRule = at === -1 ? [...without, enabled] : rules.map((r) => (r.id === rule.id ? enabled : r));
  const known = new Set(schema.fields.map((f) => f.name));
  const fields = schema.fields.map((f) => f.name);
  const overrides = rules.some((r) => r.kind === 'override' && r.enabled);
  const replay = (raw: Record<string, JsonValue>, ruleset: readonly Rule[], text: () => string): Extraction => {
    const kept: Extraction = {};
    for (const [k, v] of Object.entries(applyAliases(raw, schema, ruleset).output)) if (known.has(k)) kept[k] = v;
    return overrides ? applyOverrides(ruleset, text(), kept).output : kept;
  };
  // An alias only ever acts on its own spelling (compared as applyAliases compares it): an answer
  // without it cannot change, and most answers are skipped before anything is replayed.
  const keyForm = (k: string) => k.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const from = rule.target === 'key' ? keyForm(rule.from) : rule.from.trim().toLowerCase();
  const mentions = (raw: Record<string, JsonValue>) =>
    rule.target === 'key' ? Object.keys(raw).some((k) => keyForm(k) === from) : Object.values(raw).some((v) => typeof v === 'string' && v.trim().toLowerCase() === from);
  return (row: LatestRow): FieldDiff[] => {
    if (row.rawOutput === null) return [];
    const parsed = parseModelOutput(row.rawOutput);
    if (!parsed.ok || !mentions(parsed.value)) return [];
    let text: string | undefined;
    const lazyText = () => (text ??= textOf(row));
    const before = replay(parsed.value, without, lazyText);
    const after = replay(parsed.value, withRule, lazyText);
    const moved = diff(before, after, fields).map((d) => d.field);
    if (moved.length === 0) return [];
    return diff(row.output, after, moved);
  };
}

/** Longest stretch a scan holds the event loop before it lets other calls in. */
const SLICE_MS = 20;

/** What saving `rule` would change. Guidance rules act through the model: they change nothing here (the UI offers a re-run). */
export async function previewImpact(repos: Repositories, input: ImpactInput): Promise<RuleImpact> {
  const { rule, limit } = input;
  if (rule.kind === 'guidance') return { checked: repos.extractions.countLatest(), changed: [], truncated: false };

  const fired = firedChanges(repos, rule, input.rules);
  const change = rule.kind === 'override' ? overrideChange(rule, fired) : aliasChange(rule, input.schema, input.rules);
  const filter: LatestTextFilter | null = rule.kind === 'override' ? textFilter(rule.when) : null;
  const changed: Change[] = [];
  let after: LatestCursor | null = null;
  const slice = new TimeSlice(SLICE_MS);
  for (;;) {
    const rows = repos.extractions.latestPage({ after, limit: PAGE, filter, withRawOutput: rule.kind === 'alias' });
    for (const row of rows) {
      await slice.yieldIfDue();
      const fields = change(row);
      fired.delete(row.messageId);
      if (fields.length === 0) continue;
      if (changed.length === limit) {
        // One more change than fits: the list is cut here, and `checked` counts up to this message.
        return { checked: repos.extractions.countLatest({ through: { receivedAt: row.receivedAt, messageId: row.messageId } }), changed, truncated: true };
      }
      changed.push({ messageId: row.messageId, subject: row.subject, preview: preview(row.text), fields });
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { receivedAt: last.receivedAt, messageId: last.messageId };
    await slice.yieldIfDue();
  }
  // Messages the saved version changed that the scan's filter passed over (the edited condition no
  // longer names their words): what taking its change back does to them.
  for (const messageId of fired.keys()) {
    await slice.yieldIfDue();
    const message = repos.messages.get(messageId);
    const latest = repos.extractions.latestForMessage(messageId);
    if (!message || !latest) continue;
    const row: LatestRow = { messageId, text: message.text, subject: message.subject, receivedAt: message.receivedAt, output: latest.output, valid: latest.valid, rawOutput: null };
    const fields = change(row);
    if (fields.length === 0) continue;
    if (changed.length === limit) return { checked: repos.extractions.countLatest(), changed, truncated: true };
    changed.push({ messageId, subject: row.subject, preview: preview(row.text), fields });
  }
  return { checked: repos.extractions.countLatest(), changed, truncated: false };
}
