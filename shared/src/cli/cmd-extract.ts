import { parseArgs } from 'node:util';
import type { MessageInput } from '../domain.js';
import { createExtractor } from '../pipeline/extractor.js';
import { mapInOrder } from '../pipeline/many.js';
import { ProviderError } from '../providers/types.js';
import { printableJson } from '../rulebook/printable.js';
import { CliError, readJsonLines, writeOut, type JsonLine } from './io.js';
import { loadForCommand } from './load.js';
import { cacheOption, positiveInt, providerConfig, providerFlags, providerHelp } from './provider-options.js';

export const help = `casebook extract --rulebook RULEBOOK.json [--in FILE] [--concurrency N] [provider options]

Reads JSONL messages {"id": "...", "text": "...", "subject"?, "sender"?, "context"?: [...]} from
--in (default stdin) and writes one JSONL line per input to stdout, in input order:
  {"id", "output", "valid", "errors", "trace"}
A line that cannot be read or extracted yields {"id", "line", "error": {"code", "message"}} and the
run goes on. Exit status: 0 when every line was extracted, 3 when some lines failed.

${providerHelp}
  --concurrency N             messages in flight at once (default 4)`;

type Outcome = Record<string, unknown>;

export function messageFrom(value: unknown): MessageInput | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object with "text"';
  const v = value as Record<string, unknown>;
  if (typeof v.text !== 'string') return '"text" must be a string';
  if (!v.text.trim()) return '"text" is empty';
  for (const k of ['subject', 'sender'] as const) if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'string') return `"${k}" must be a string`;
  if (v.context !== undefined && !(Array.isArray(v.context) && v.context.every((c) => typeof c === 'string'))) return '"context" must be a list of strings';
  return {
    text: v.text,
    ...(typeof v.subject === 'string' ? { subject: v.subject } : {}),
    ...(typeof v.sender === 'string' ? { sender: v.sender } : {}),
    ...(Array.isArray(v.context) ? { context: v.context as string[] } : {}),
  };
}

const idOf = (value: unknown): unknown => (typeof value === 'object' && value !== null ? ((value as Record<string, unknown>).id ?? null) : null);

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { rulebook: { type: 'string' }, in: { type: 'string' }, concurrency: { type: 'string' }, ...providerFlags },
    strict: true,
  });
  const rulebook = await loadForCommand(values.rulebook, values);
  const extractor = createExtractor(rulebook, {
    provider: providerConfig(values, rulebook),
    ...cacheOption(values.cache),
  });
  const concurrency = positiveInt(values.concurrency, 'concurrency') ?? 4;
  if (concurrency < 1) throw new CliError('--concurrency must be at least 1', 2);
  const source = values.in ?? 'stdin';
  let failed = 0;
  let fatal: ProviderError | undefined;

  const total = await mapInOrder<JsonLine, Outcome>(
    readJsonLines(values.in),
    concurrency,
    async ({ line, value, error }) => {
      const id = idOf(value);
      if (error) return { id, line, error: { code: 'bad_input', message: `${source}:${line}: ${error}` } };
      const message = messageFrom(value);
      if (typeof message === 'string') return { id, line, error: { code: 'bad_input', message: `${source}:${line}: ${message}` } };
      if (fatal) return { id, line, error: { code: fatal.code, message: `skipped: ${fatal.message}` } };
      try {
        const r = await extractor.extract(message);
        return { id, output: r.output, valid: r.valid, errors: r.errors, trace: r.trace };
      } catch (err) {
        const code = err instanceof ProviderError ? err.code : 'internal';
        // A refused key will be refused for every line: stop asking, but still answer each line.
        if (err instanceof ProviderError && err.code === 'auth') fatal = err;
        return { id, line, error: { code, message: (err as Error).message } };
      }
    },
    async (outcome) => {
      if (outcome.error) failed++;
      await writeOut(`${printableJson(JSON.stringify(outcome))}\n`);
    },
  );
  process.stderr.write(`extracted ${total - failed} of ${total} message(s)${failed ? `, ${failed} failed` : ''}\n`);
  return failed ? 3 : 0;
}
