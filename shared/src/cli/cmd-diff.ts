import { parseArgs } from 'node:util';
import { diffRulebooks, formatRulebookDiff, parseRulebook, RulebookError } from '../rulebook/index.js';
import { printableJson, printableLines } from '../rulebook/printable.js';
import { CliError, readText } from './io.js';

export const help = `casebook diff A.json B.json [--json]

What changed from rulebook A to rulebook B: schema, rules, precedents, instructions and settings.
Exits 0 when they have the same content, 1 when they differ (like diff(1)).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 2) throw new CliError('expected two rulebook files: A.json B.json', 2);
  const [a, b] = await Promise.all(
    positionals.map(async (p) => {
      try {
        return parseRulebook(await readText(p, 'rulebook'), { source: p });
      } catch (err) {
        if (err instanceof RulebookError) throw new CliError(err.message);
        throw err;
      }
    }),
  );
  const diff = diffRulebooks(a!, b!);
  if (values.json) process.stdout.write(`${printableJson(JSON.stringify(diff, null, 2))}\n`);
  else process.stdout.write(`${printableLines(formatRulebookDiff(diff))}\n`);
  return a!.hash === b!.hash ? 0 : 1;
}
