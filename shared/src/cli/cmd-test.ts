import { parseArgs } from 'node:util';
import { printable, printableJson } from '../rulebook/printable.js';
import { replayPrecedents } from '../rulebook/replay.js';
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
  const provider = providerConfig(values, rulebook);
  const cache = cacheOption(values.cache);
  const concurrency = positiveInt(values.concurrency, 'concurrency') ?? 4;
  const { passed, failed } = await replayPrecedents(rulebook, {
    provider,
    ...cache,
    concurrency,
    leaveOneOut: values['leave-one-out'] === true,
    // Replaying yields now and then; a terminal needs no turns, so slices stay long.
    sliceMs: 1000,
    onResult: async ({ id, pass: ok, diffs, errors }, p) => {
      if (values.json) {
        await writeOut(`${printableJson(JSON.stringify({ id, pass: ok, diffs, errors }))}\n`);
        return;
      }
      const preview = p.message.text.replace(/\s+/g, ' ').slice(0, 60);
      const lines = [`${ok ? 'PASS' : 'FAIL'} ${id}  ${JSON.stringify(preview)}`];
      for (const d of diffs) lines.push(`     ${d.field}: expected ${JSON.stringify(d.expected ?? null)}, got ${JSON.stringify(d.actual ?? null)}`);
      for (const e of errors) lines.push(`     error: ${e}`);
      await writeOut(`${lines.map(printable).join('\n')}\n`);
    },
  });
  const summary = printable(`replayed ${passed + failed} precedents of ${rulebook.id} v${rulebook.version}: ${passed} passed, ${failed} failed`);
  if (values.json) process.stderr.write(`${summary}\n`);
  else await writeOut(`\n${summary}\n`);
  return failed ? 1 : 0;
}
