// Validators for what the triage-and-teach screens send: extractions, rules and their conditions.
// Shapes mirror shared/src/domain.ts exactly; a rule parsed here is a domain Rule.
import { z } from 'zod';
import type { Condition, JsonValue, Rule } from '../domain.js';
import { MAX_PATTERN_CHARS, rulePatternProblem } from '../rules/pattern.js';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const fieldName = z.string().regex(FIELD, 'must be a field name');

export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string().max(20_000), z.number(), z.boolean(), z.null(), z.array(jsonValue).max(1000), z.record(z.string().max(200), jsonValue)]),
);

/** An extraction's output as a person edits it: field name to value. */
export const extractionOutput = z.record(fieldName, jsonValue);

const phrases = z.array(z.string().min(1).max(500)).min(1).max(100);

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('contains_any'), phrases, caseSensitive: z.boolean().optional() }).strict(),
    z.object({ kind: z.literal('contains_all'), phrases, caseSensitive: z.boolean().optional() }).strict(),
    z
      .object({ kind: z.literal('regex'), pattern: z.string().min(1).max(MAX_PATTERN_CHARS), flags: z.string().regex(/^[imsu]*$/).optional() })
      .strict()
      .superRefine((c, ctx) => {
        // The runtime's own check (linear-time RE2 syntax), so the app refuses exactly what a rulebook would.
        const problem = rulePatternProblem(c.pattern, c.flags ?? '');
        if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
      }),
    z.object({ kind: z.literal('field_equals'), field: fieldName, value: jsonValue }).strict(),
    z.object({ kind: z.literal('all'), conditions: z.array(condition).min(1).max(20) }).strict(),
    z.object({ kind: z.literal('any'), conditions: z.array(condition).min(1).max(20) }).strict(),
  ]),
) as z.ZodType<Condition>;

const ruleBase = {
  id: z.string().min(1).max(200),
  rationale: z.string().max(5000),
  enabled: z.boolean(),
  provenance: z
    .object({ precedentIds: z.array(z.string().max(200)).max(1000), author: z.string().max(200), createdAt: z.string().max(40) })
    .strict(),
};

export const rule: z.ZodType<Rule> = z.union([
  z.object({ ...ruleBase, kind: z.literal('guidance'), fields: z.array(fieldName).max(100), instruction: z.string().min(1).max(5000) }).strict(),
  z.object({ ...ruleBase, kind: z.literal('override'), when: condition, set: z.record(fieldName, jsonValue) }).strict(),
  z.object({ ...ruleBase, kind: z.literal('alias'), target: z.literal('key'), field: fieldName, from: z.string().min(1).max(200) }).strict(),
  z
    .object({ ...ruleBase, kind: z.literal('alias'), target: z.literal('value'), field: fieldName, from: z.string().min(1).max(200), to: z.string().min(1).max(200) })
    .strict(),
]) as unknown as z.ZodType<Rule>;
