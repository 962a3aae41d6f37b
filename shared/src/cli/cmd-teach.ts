import { parseArgs } from 'node:util';
import type { Extraction, Precedent } from '../domain.js';
import { normaliseMessage } from '../pipeline/normalise.js';
import { canonicalJson, nextVersion, RulebookError, serializeRulebook, sha256Hex } from '../rulebook/index.js';
import { printable } from '../rulebook/printable.js';
import { applyAliases } from '../schema/aliases.js';
import { validateExtraction } from '../schema/validate.js';
import { CliError, readJsonLines, writeFileAtomic } from './io.js';
import { loadForCommand } from './load.js';

export const help = `casebook teach --rulebook RULEBOOK.json --examples EXAMPLES.jsonl [--out FILE] [--author NAME] [--skip-invalid]

Adds each line {"text": "...", "output": {...}, "note": "why"} of EXAMPLES.jsonl as a precedent
(optional: "subject", "sender", "context": [...], "tags": [...], "id") and writes the next version
of the rulebook to --out (default: over RULEBOOK.json). Outputs are checked against the schema
(key and value aliases are applied first). A precedent whose message is already taught (the same
text, subject, sender and context once normalised: whitespace, line endings, invisible characters)
replaces the old one (the newest wins; it keeps the old id); one that differs in any of them is
another precedent. Any invalid line stops the command, naming the line, unless --skip-invalid.`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rulebook: { type: 'string' },
      examples: { type: 'string' },
      out: { type: 'string' },
      author: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.examples) throw new CliError('--examples EXAMPLES.jsonl is required', 2);
  const rulebook = await loadForCommand(values.rulebook);
  const author = values.author ?? process.env.USER ?? 'cli';
  const now = new Date().toISOString();
  const problems: string[] = [];
  const taught: Precedent[] = [];
  const keyOf = (p: Pick<Precedent, 'message'>) => canonicalJson(p.message);
  // Ids given in the examples must not name two different messages: the rulebook would be invalid.
  const idOwner = new Map<string, { key: string; line: number | null }>(rulebook.precedents.map((p) => [p.id, { key: keyOf(p), line: null }]));

  for await (const { line, value, error } of readJsonLines(values.examples)) {
    const at = `${values.examples}:${line}`;
    if (error) { problems.push(`${at}: ${error}`); continue; }
    if (!isObject(value) || typeof value.text !== 'string' || !value.text.trim()) { problems.push(`${at}: expected {"text": "...", "output": {...}}`); continue; }
    if (!isObject(value.output)) { problems.push(`${at}: "output" must be an object`); continue; }
    // Copying the output by assignment would take this key for its prototype.
    if (Object.hasOwn(value.output, '__proto__')) { problems.push(`${at}: output key "__proto__" is not allowed`); continue; }
    const output = applyAliases(value.output as Extraction, rulebook.schema, rulebook.rules).output;
    const invalid = validateExtraction(output, rulebook.schema);
    if (invalid.length) { problems.push(`${at}: output ${invalid.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`); continue; }
    const message = normaliseMessage({
      text: value.text,
      ...(typeof value.subject === 'string' ? { subject: value.subject } : {}),
      ...(typeof value.sender === 'string' ? { sender: value.sender } : {}),
      ...(Array.isArray(value.context) ? { context: value.context.filter((c): c is string => typeof c === 'string') } : {}),
    });
    // The pipeline sees the normalised text: one that is nothing but invisible characters teaches nothing and could never be replayed.
    if (!message.text) { problems.push(`${at}: "text" is empty once normalised (it holds only invisible or control characters)`); continue; }
    const note = typeof value.note === 'string' ? value.note : typeof value.rationale === 'string' ? value.rationale : undefined;
    const tags = Array.isArray(value.tags) ? value.tags.filter((t): t is string => typeof t === 'string') : [];
    const key = keyOf({ message });
    const id = typeof value.id === 'string' && value.id ? value.id : `p_${sha256Hex(key).slice(0, 16)}`;
    const owner = idOwner.get(id);
    if (owner && owner.key !== key) {
      problems.push(`${at}: id ${JSON.stringify(id)} is already the id of ${owner.line === null ? 'another precedent of the rulebook' : `line ${owner.line}`}, with another message`);
      continue;
    }
    idOwner.set(id, { key, line });
    taught.push({
      id,
      message,
      output,
      ...(note ? { rationale: note } : {}),
      ...(tags.length ? { tags } : {}),
      author,
      createdAt: now,
    });
  }
  if (problems.length && !values['skip-invalid']) {
    throw new CliError(`${problems.length} invalid example(s); nothing was written:`, 1, problems.slice(0, 50));
  }
  for (const p of problems) process.stderr.write(`skipped ${printable(p)}\n`);

  // A precedent for a message already taught replaces the old one: the newest correction wins.
  const byKey = new Map<string, Precedent>();
  for (const p of rulebook.precedents) byKey.set(keyOf(p), p);
  let replaced = 0;
  for (const p of taught) {
    const old = byKey.get(keyOf(p));
    if (old) { replaced++; byKey.delete(keyOf(p)); byKey.set(keyOf(p), { ...p, id: old.id }); } else byKey.set(keyOf(p), p);
  }
  let next;
  try {
    next = nextVersion(rulebook, { precedents: [...byKey.values()] });
  } catch (err) {
    if (err instanceof RulebookError) throw new CliError(`nothing was written: ${err.message}`);
    throw err;
  }
  const out = values.out ?? values.rulebook!;
  await writeFileAtomic(out, serializeRulebook(next));
  process.stderr.write(`taught ${taught.length} precedent(s) (${replaced} replaced, ${problems.length} skipped): wrote ${out} version ${next.version} ${next.hash}\n`);
  return 0;
}
