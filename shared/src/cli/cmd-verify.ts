import { parseArgs } from 'node:util';
import { parseRulebook, RulebookError, verifySignature } from '../rulebook/index.js';
import { printable } from '../rulebook/printable.js';
import { CliError, readText } from './io.js';
import { readPublicKeys } from './keys.js';

export const help = `casebook verify RULEBOOK.json [--public-key KEY]... [--require-signature]

Checks a rulebook file: format, format version, content hash and, given public keys, its
signature. Prints id, version, hash and signature status. Exits 1 when the file is invalid or
tampered with, or when a signature is required (--public-key or --require-signature) and fails.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'public-key': { type: 'string', multiple: true }, 'require-signature': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const path = positionals[0];
  if (!path || positionals.length > 1) throw new CliError('expected one RULEBOOK.json', 2);
  const keys = await readPublicKeys(values['public-key']);
  const text = await readText(path, 'rulebook');
  let rb;
  try {
    // Hash and format first; the signature is reported below rather than thrown.
    rb = parseRulebook(text, { source: path });
  } catch (err) {
    if (err instanceof RulebookError) throw new CliError(`INVALID ${err.message}`);
    throw err;
  }
  const lines = [
    `id:        ${rb.id}`,
    `name:      ${rb.name}`,
    `version:   ${rb.version}${rb.parent ? ` (parent ${rb.parent.version} ${rb.parent.hash})` : ''}`,
    `format:    ${rb.format} ${rb.formatVersion}`,
    `hash:      ${rb.hash} (verified)`,
    `contents:  ${rb.schema.fields.length} fields, ${rb.rules.length} rules, ${rb.precedents.length} precedents`,
  ];
  let ok = true;
  if (!rb.signature) {
    lines.push('signature: none');
    if (keys.length || values['require-signature']) ok = false;
  } else if (!keys.length) {
    lines.push(`signature: present, key ${rb.signature.keyId} (not checked: pass --public-key)`);
    if (values['require-signature']) ok = false;
  } else {
    const v = verifySignature(rb, keys);
    lines.push(v.ok ? `signature: valid, key ${v.keyId}` : `signature: INVALID (${v.reason ?? 'does not match'})`);
    ok = v.ok;
  }
  // Each line one line, whatever the file's id and name hold.
  process.stdout.write(`${lines.map(printable).join('\n')}\n`);
  if (!ok) process.stderr.write(`${printable(path)}: signature check failed\n`);
  return ok ? 0 : 1;
}
