// Reading the key files given on the command line (--public-key, --key). A file that is not the
// expected Ed25519 key is a usage error naming the file and saying what it holds instead, never a
// crypto exception surfacing as an internal error.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { pemBlocks } from '../rulebook/sign.js';
import { CliError, readText } from './io.js';

const USAGE = 2;
const KEY_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA-PSS', dsa: 'DSA', ec: 'EC', dh: 'DH', ed448: 'Ed448', x25519: 'X25519', x448: 'X448' };

function tryKey(make: () => KeyObject): KeyObject | null {
  try {
    return make();
  } catch {
    return null;
  }
}

function pemLabel(text: string): string | null {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? null;
}

function notEd25519(key: KeyObject, path: string): CliError | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  const type = KEY_TYPES[key.asymmetricKeyType ?? ''] ?? key.asymmetricKeyType ?? 'unknown';
  const article = /^[AEFHILMNORSX]/.test(type) ? 'an' : 'a'; // as the letters are read: an RSA, a DSA
  return new CliError(`${path}: ${article} ${type} key; rulebooks are signed with Ed25519 (make a key pair with \`casebook keygen\`)`, USAGE);
}

/** Why `text` (read from `path`) is not what `want` asks for, or null when it is an Ed25519 key of that kind. */
function keyProblem(text: string, path: string, want: 'public' | 'private'): CliError | null {
  const expected = `expected an Ed25519 ${want} key in PEM form, as \`casebook keygen\` writes (${want === 'public' ? 'NAME.pub' : 'NAME.key'})`;
  if (!text.trim()) return new CliError(`${path}: the file is empty; ${expected}`, USAGE);
  const label = pemLabel(text);
  if (label?.includes('ENCRYPTED')) return new CliError(`${path}: an encrypted private key; casebook reads unencrypted PEM keys only`, USAGE);
  // Checked first: a public key can be derived from a private one, so createPublicKey accepts both.
  const privateKey = tryKey(() => createPrivateKey(text));
  if (want === 'public') {
    if (privateKey) return new CliError(`${path}: a private key; pass the public key (NAME.pub from \`casebook keygen\`), and keep the private key secret`, USAGE);
    const publicKey = tryKey(() => createPublicKey(text));
    if (!publicKey) return new CliError(`${path}: not a PEM public key${label ? ` (found "${label}")` : ''}; ${expected}`, USAGE);
    return notEd25519(publicKey, path);
  }
  if (privateKey) return notEd25519(privateKey, path);
  if (tryKey(() => createPublicKey(text))) return new CliError(`${path}: a public key; signing needs the private key (NAME.key from \`casebook keygen\`)`, USAGE);
  return new CliError(`${path}: not a PEM private key${label ? ` (found "${label}")` : ''}; ${expected}`, USAGE);
}

async function readKey(path: string, want: 'public' | 'private'): Promise<string> {
  let text: string;
  try {
    text = await readText(path, `${want} key`);
  } catch (err) {
    if (err instanceof CliError) throw new CliError(err.message, USAGE);
    throw err;
  }
  const problem = keyProblem(text, path, want);
  if (problem) throw problem;
  return text;
}

/**
 * The PEM text of every public key in the --public-key files (a file may hold several: the key set
 * the app exports for rotation), each checked to be an Ed25519 public key. Throws CliError (exit 2).
 */
export async function readPublicKeys(paths: string[] | undefined): Promise<string[]> {
  const texts = await Promise.all((paths ?? []).map((p) => readKey(p, 'public').then((text) => ({ p, text }))));
  return texts.flatMap(({ p, text }) =>
    pemBlocks(text).map((block, i, all) => {
      const problem = keyProblem(block, all.length > 1 ? `${p} (key ${i + 1} of ${all.length})` : p, 'public');
      if (problem) throw problem;
      return block;
    }),
  );
}

/** The PEM text of a --key file, checked to be an Ed25519 private key. Throws CliError (exit 2). */
export function readPrivateKey(path: string): Promise<string> {
  return readKey(path, 'private');
}
