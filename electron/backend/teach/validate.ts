// What a person sends from the review and teach screens is checked against the draft rulebook's
// schema before anything is stored: a corrected output (after the aliases a model answer would get)
// and a rule. Problems name the argument path (`output.urgency`, `rule.set.issue_type`) so the UI
// can point at the wrong field.
import { ApiError } from '../../../shared/src/api/index.js';
import { DEFAULT_SETTINGS, RULEBOOK_FORMAT, RULEBOOK_FORMAT_VERSION, type Extraction, type ExtractionSchema, type FieldSpec, type Rule, type RulebookArtifact } from '../../../shared/src/domain.js';
import { fieldValueProblem, validateRulebookFormat } from '../../../shared/src/rulebook/format.js';
import { patternBudgetProblem } from '../../../shared/src/rules/pattern.js';
import { applyAliases } from '../../../shared/src/schema/aliases.js';
import type { AliasRewrite } from '../../../shared/src/domain.js';

export interface Issue {
  path: string;
  message: string;
}

/** Throws the bad_request failure that names every issue. */
export function refuse(method: string, issues: readonly Issue[]): never {
  throw new ApiError({
    code: 'bad_request',
    message: `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues: [...issues],
  });
}

export interface CheckedOutput {
  /** The output with aliases applied, keys in schema order. */
  output: Extraction;
  /** The alias rewrites that were applied (`login` -> `account`). */
  aliases: AliasRewrite[];
  issues: Issue[];
}

/**
 * A complete output as a person corrected it: aliases applied first (the same schema and alias
 * rules a model answer gets), then every field must be present, known and valid for its type.
 */
export function checkOutput(raw: Extraction, schema: ExtractionSchema, rules: readonly Rule[], at = 'output'): CheckedOutput {
  const { output: aliased, rewrites } = applyAliases(raw, schema, rules);
  const issues: Issue[] = [];
  const fields = new Map<string, FieldSpec>(schema.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(aliased)) {
    if (!fields.has(key)) issues.push({ path: `${at}.${key}`, message: `is not a field of the schema (fields: ${[...fields.keys()].join(', ')})` });
  }
  const output: Extraction = {};
  for (const f of schema.fields) {
    if (!Object.prototype.hasOwnProperty.call(aliased, f.name)) {
      issues.push({ path: `${at}.${f.name}`, message: f.nullable ? 'is missing (give null when the message does not say)' : 'is missing' });
      continue;
    }
    const value = aliased[f.name]!;
    const problem = fieldValueProblem(f, value);
    if (problem) issues.push({ path: `${at}.${f.name}`, message: problem });
    output[f.name] = value;
  }
  return { output, aliases: rewrites, issues };
}

const CHECK_TIME = '2000-01-01T00:00:00.000Z';
const CHECK_HASH = `sha256:${'0'.repeat(64)}`;

/** `rules/0/set/issue~1type` -> `rule.set.issue/type`. */
function argumentPath(pointer: string, at: string): string {
  const parts = pointer.split('/').slice(2).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [at, ...parts].join('.');
}

/** Lower case, spaces and dashes as underscores: how alias keys are compared. */
const keyForm = (k: string) => k.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * A rule as the draft rulebook would hold it: everything the rulebook format checks (fields exist,
 * override values fit their fields, alias targets are enum values, patterns compile, provenance
 * time), plus aliases that would never apply because the spelling already means something else.
 * `others` are the draft's other rules (the one with the same id is being replaced).
 */
export function checkRule(rule: Rule, schema: ExtractionSchema, others: readonly Rule[], at = 'rule'): Issue[] {
  const artifact: RulebookArtifact = {
    format: RULEBOOK_FORMAT,
    formatVersion: RULEBOOK_FORMAT_VERSION,
    id: 'rule-check',
    name: 'rule check',
    version: 1,
    parent: null,
    createdAt: CHECK_TIME,
    instructions: '',
    schema,
    rules: [rule],
    precedents: [],
    settings: DEFAULT_SETTINGS,
    hash: CHECK_HASH,
  };
  const result = validateRulebookFormat(JSON.parse(JSON.stringify(artifact)) as unknown);
  const issues: Issue[] = [];
  if (!result.ok) {
    for (const error of result.errors) {
      const m = /^(rules\/0(?:\/[^:]*)?): (.*)$/.exec(error);
      // Only the rule's own problems: the schema comes from the workspace and was checked when the draft was made.
      if (m) issues.push({ path: argumentPath(m[1]!, at), message: m[2]! });
    }
  }
  if (rule.kind === 'alias' && issues.length === 0) issues.push(...aliasConflicts(rule, schema, others, at));
  if (rule.kind === 'override' && issues.length === 0) {
    // The rulebook caps its patterns together (their cost per message): the draft with this rule must still load.
    const budget = patternBudgetProblem([...others.filter((r) => r.id !== rule.id), rule]);
    if (budget) issues.push({ path: `${at}.when`, message: `with the draft's other rules, ${budget}` });
  }
  return issues;
}

function aliasConflicts(rule: Extract<Rule, { kind: 'alias' }>, schema: ExtractionSchema, others: readonly Rule[], at: string): Issue[] {
  const active = others.filter((r) => r.id !== rule.id && r.kind === 'alias' && r.enabled);
  if (rule.target === 'key') {
    const from = keyForm(rule.from);
    for (const f of schema.fields) {
      if (keyForm(f.name) === from && f.name !== rule.field) return [{ path: `${at}.from`, message: `"${rule.from}" already means the field "${f.name}"` }];
      if ((f.aliases ?? []).some((a) => keyForm(a) === from) && f.name !== rule.field) {
        return [{ path: `${at}.from`, message: `"${rule.from}" is already an alias of the field "${f.name}" in the schema` }];
      }
    }
    for (const r of active) {
      if (r.kind === 'alias' && r.target === 'key' && keyForm(r.from) === from && r.field !== rule.field) {
        return [{ path: `${at}.from`, message: `"${rule.from}" is already an alias of the field "${r.field}" (rule ${r.id})` }];
      }
    }
    return [];
  }
  const from = rule.from.trim().toLowerCase();
  const field = schema.fields.find((f) => f.name === rule.field);
  for (const v of field?.values ?? []) {
    const spellings = [v.value, ...(v.aliases ?? [])].map((s) => s.trim().toLowerCase());
    if (spellings.includes(from) && v.value !== rule.to) {
      return [{ path: `${at}.from`, message: `"${rule.from}" already means "${v.value}" for "${rule.field}"` }];
    }
  }
  for (const r of active) {
    if (r.kind === 'alias' && r.target === 'value' && r.field === rule.field && r.from.trim().toLowerCase() === from && r.to !== rule.to) {
      return [{ path: `${at}.from`, message: `"${rule.from}" already means "${r.to}" for "${rule.field}" (rule ${r.id})` }];
    }
  }
  return [];
}
