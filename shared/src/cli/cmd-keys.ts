import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateSigningKey, parseRulebook, RulebookError, serializeRulebook, signRulebook } from '../rulebook/index.js';
import { printable } from '../rulebook/printable.js';
import { CliError, readText, writeFileAtomic } from './io.js';
import { readPrivateKey } from './keys.js';

export const keygenHelp = `casebook keygen [--out NAME] [--force]

Makes an Ed25519 signing key pair: NAME.key (private, mode 600; keep it secret) and NAME.pub
(public; give it to the services that load the rulebook). NAME defaults to "casebook-signing".`;

export async function keygen(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, force: { type: 'boolean' } }, strict: true });
  const base = values.out ?? 'casebook-signing';
  const priv = `${base}.key`;
  const pub = `${base}.pub`;
  for (const f of [priv, pub]) if (existsSync(f) && !values.force) throw new CliError(`${f} already exists; pass --force to replace it`);
  const key = generateSigningKey();
  await writeFileAtomic(priv, key.privateKeyPem, 0o600);
  await writeFileAtomic(pub, key.publicKeyPem);
  process.stdout.write(`key id ${key.keyId}\nprivate key: ${priv}\npublic key:  ${pub}\n`);
  return 0;
}

export const signHelp = `casebook sign RULEBOOK.json --key KEY [--out FILE]

Signs the rulebook's content hash with an Ed25519 private key (from \`casebook keygen\`) and writes
the signed rulebook to --out (default: over RULEBOOK.json). The content is verified first.`;

export async function sign(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { key: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
  const path = positionals[0];
  if (!path || positionals.length > 1) throw new CliError('expected one RULEBOOK.json', 2);
  if (!values.key) throw new CliError('--key KEY is required', 2);
  const keyPem = await readPrivateKey(values.key);
  let signed;
  try {
    signed = signRulebook(parseRulebook(await readText(path, 'rulebook'), { source: path }), keyPem);
  } catch (err) {
    if (err instanceof RulebookError) throw new CliError(err.message);
    throw new CliError(`${values.key}: cannot sign with this key (${(err as Error).message})`);
  }
  const out = values.out ?? path;
  await writeFileAtomic(out, serializeRulebook(signed));
  process.stdout.write(`${printable(`signed ${signed.id} version ${signed.version} ${signed.hash} with key ${signed.signature?.keyId}: wrote ${out}`)}\n`);
  return 0;
}
