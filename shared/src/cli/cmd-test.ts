import { parseArgs } from 'node:util';
import type { JsonValue } from '../domain.js';
import { createExtractor } from '../pipeline/extractor.js';
import { mapInOrder } from '../pipeline/many.js';
import { ProviderError } from '../providers/types.js';
import { printable, printableJson } from '../rulebook/printable.js';
import { writeOut } from './io.js';
import { loadForCommand } from './load.js';
import { cacheOption, positiveInt, providerConfig, providerFlags, providerHelp } from './provider-options.js';

export const help = `casebook test --rulebook RULEBOOK.json [--leave-one-out] [--json] [--concurrency N] [provider options]

Replays every precedent of the rulebook through the pipeline and compares the output with the
precedent's output, field by field. Prints PASS or FAIL per precedent with the differences, and
exits 1 if any precedent fails (use it as a gate in production CI).
  --leave-one-out   do not show a precedent its own example (measures generalisation)
  --json            one JSON line per precedent instead of text

${providerHelp}`;

export interface FieldDiff {
  field: string;
  expected: JsonValue | undefined;
  actual: JsonValue | undefined;
}

export function diffOutputs(expected: Record<string, JsonValue>, actual: Record<string, JsonValue>, fields: string[]): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const field of fields) {
    const e = expected[field];
    const a = actual[field];
    if (JSON.stringify(e ?? null) !== JSON.stringify(a ?? null)) diffs.push({ field, expected: e, actual: a });
  }
  return diffs;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { rulebook: { type: 'string' }, 'leave-one-out': { type: 'boolean' }, json: { type: 'boolean' }, concurrency: { type: 'string' }, ...providerFlags },
    strict: true,
  });
  const rulebook = await loadForCommand(values.rulebook, values);
  if (rulebook.precedents.length === 0) {
    process.stderr.write(`${values.rulebook}: no precedents to replay\n`);
    return 0;
  }
  const extractor = createExtractor(rulebook, { provider: providerConfig(values, rulebook), ...cacheOption(values.cache) });
  const fields = rulebook.schema.fields.map((f) => f.name);
  const concurrency = positiveInt(values.concurrency, 'concurrency') ?? 4;
  let passed = 0;
  let failed = 0;

  await mapInOrder(
    rulebook.precedents,
    Math.max(1, concurrency),
    async (p) => {
      try {
        const r = await extractor.extract(p.message, values['leave-one-out'] ? { excludePrecedents: new Set([p.id]) } : {});
        return { p, diffs: diffOutputs(p.output, r.output, fields), errors: r.errors.map((e) => `${e.path || '/'} ${e.message}`) };
      } catch (err) {
        if (err instanceof ProviderError) return { p, diffs: [], errors: [`provider error (${err.code}): ${err.message}`] };
        throw err;
      }
    },
    async ({ p, diffs, errors }) => {
      const ok = diffs.length === 0 && errors.length === 0;
      if (ok) passed++;
      else failed++;
      if (values.json) {
        await writeOut(`${printableJson(JSON.stringify({ id: p.id, pass: ok, diffs, errors }))}\n`);
        return;
      }
      const preview = p.message.text.replace(/\s+/g, ' ').slice(0, 60);
      const lines = [`${ok ? 'PASS' : 'FAIL'} ${p.id}  ${JSON.stringify(preview)}`];
      for (const d of diffs) lines.push(`     ${d.field}: expected ${JSON.stringify(d.expected ?? null)}, got ${JSON.stringify(d.actual ?? null)}`);
      for (const e of errors) lines.push(`     error: ${e}`);
      await writeOut(`${lines.map(printable).join('\n')}\n`);
    },
  );
  const summary = printable(`replayed ${passed + failed} precedents of ${rulebook.id} v${rulebook.version}: ${passed} passed, ${failed} failed`);
  if (values.json) process.stderr.write(`${summary}\n`);
  else await writeOut(`\n${summary}\n`);
  return failed ? 1 : 0;
}
