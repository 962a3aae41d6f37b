// Ed25519 signatures of rulebooks. The signature covers the UTF-8 bytes of the `hash` string, and
// the hash covers the canonical body, so a signature vouches for the whole content.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { RulebookArtifact } from '../domain.js';
import { sha256Hex } from './canonical.js';
import { RulebookError } from './errors.js';
import { rulebookHash } from './hash.js';

export interface SigningKey {
  /** PKCS#8 PEM. Keep it secret. */
  privateKeyPem: string;
  /** SPKI PEM: what production services are given to verify rulebooks. */
  publicKeyPem: string;
  /** First 16 hex characters of the SHA-256 of the raw 32-byte public key. */
  keyId: string;
}

export interface SignatureCheck {
  ok: boolean;
  /** The key id named by the signature; null when the artifact is unsigned. */
  keyId: string | null;
  reason?: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
    keyId: keyIdOfKey(publicKey),
  };
}

/** The key id of an Ed25519 public key (SPKI PEM). A private key PEM is accepted too; its public half is used. */
export function keyIdOf(publicKeyPem: string): string {
  return keyIdOfKey(toPublicKey(publicKeyPem));
}

/**
 * Signs the artifact: recomputes the hash of its body (setting it when absent, refusing when the
 * artifact carries a different one) and returns a copy with `hash` and `signature`.
 */
export function signRulebook(artifact: RulebookArtifact, privateKeyPem: string): RulebookArtifact {
  const hash = rulebookHash(artifact);
  if (artifact.hash && artifact.hash !== hash) {
    throw new RulebookError('hash_mismatch', `rulebook ${artifact.id} v${artifact.version}`,
      `refusing to sign: content was changed after it was hashed: expected ${hash}, artifact says ${artifact.hash}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new TypeError(`signRulebook: not a private key PEM (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`signRulebook: expected an ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  const value = sign(null, Buffer.from(hash, 'utf8'), key).toString('base64');
  return { ...artifact, hash, signature: { alg: 'ed25519', keyId: keyIdOfKey(createPublicKey(key)), value } };
}

/**
 * Verifies the signature with the trusted keys (one PEM or several, for key rotation). Also
 * recomputes the hash of the body, so a changed body fails even when the signature of its stale
 * hash is genuine.
 */
export function verifySignature(artifact: RulebookArtifact, publicKeyPem: string | string[]): SignatureCheck {
  const hash = rulebookHash(artifact);
  if (hash !== artifact.hash) {
    return { ok: false, keyId: artifact.signature?.keyId ?? null, reason: `content was changed after it was hashed: expected ${hash}, artifact says ${artifact.hash}` };
  }
  return verifyHashSignature(artifact, publicKeyPem);
}

/** Verifies the signature over `artifact.hash` only; the caller has checked the hash. */
export function verifyHashSignature(artifact: RulebookArtifact, publicKeyPem: string | string[]): SignatureCheck {
  const sig = artifact.signature;
  if (!sig) return { ok: false, keyId: null, reason: 'the rulebook is not signed' };
  if (sig.alg !== 'ed25519') return { ok: false, keyId: sig.keyId, reason: `unsupported signature algorithm ${String(sig.alg)}` };
  // A PEM text may hold several keys (the key set Casebook exports during a rotation).
  const pems = (Array.isArray(publicKeyPem) ? publicKeyPem : [publicKeyPem]).flatMap(pemBlocks);
  if (pems.length === 0) return { ok: false, keyId: sig.keyId, reason: 'no trusted public keys were given' };
  const keys = pems.map((pem) => {
    const key = toPublicKey(pem);
    return { key, keyId: keyIdOfKey(key) };
  });
  const match = keys.find((k) => k.keyId === sig.keyId);
  if (!match) {
    return { ok: false, keyId: sig.keyId, reason: `signed with key ${sig.keyId}, which is not among the trusted keys (${keys.map((k) => k.keyId).join(', ')})` };
  }
  // Only the one canonical base64 spelling of 64 bytes: Node's decoder ignores the unused bits of
  // the last character, missing padding and stray characters, so other spellings of the same
  // signature would verify, and the field is not covered by the hash.
  const bytes = Buffer.from(sig.value, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== sig.value) {
    return { ok: false, keyId: sig.keyId, reason: 'the signature value is not the base64 of a 64-byte Ed25519 signature' };
  }
  let good = false;
  try {
    good = verify(null, Buffer.from(artifact.hash, 'utf8'), match.key, bytes);
  } catch {
    good = false;
  }
  return good ? { ok: true, keyId: sig.keyId } : { ok: false, keyId: sig.keyId, reason: `the signature does not verify with key ${sig.keyId}` };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text (a key set holds one per key), or the whole text when it has none. */
export function pemBlocks(text: string): string[] {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => `${m[0]}\n`);
  return blocks.length > 0 ? blocks : [text];
}

function toPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new TypeError(`not a public key PEM (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

function keyIdOfKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  if (raw.length !== 32) throw new TypeError('expected a 32-byte ed25519 public key');
  return sha256Hex(raw).slice(0, 16);
}
