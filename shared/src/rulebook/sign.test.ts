import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RulebookArtifact } from '../domain.js';
import { canonicalJsonReference, sha256Hex } from './canonical.js';
import { RulebookError } from './errors.js';
import { serializeRulebook } from './create.js';
import { bodyOf, HASH_PATTERN, rulebookHash } from './hash.js';
import { generateSigningKey, keyIdOf, signRulebook, verifySignature } from './sign.js';
import { sampleRulebook } from './test-fixtures.js';

const clone = <T>(v: T): T => structuredClone(v);

describe('rulebookHash', () => {
  it('is sha256 of the canonical body, without hash and signature', () => {
    const rb = sampleRulebook();
    expect(rb.hash).toMatch(HASH_PATTERN);
    expect(rulebookHash(rb)).toBe(rb.hash);
    expect(rulebookHash(bodyOf(rb))).toBe(rb.hash);
    const { hash: _h, ...body } = rb;
    expect(rb.hash).toBe(`sha256:${sha256Hex(canonicalJsonReference(body))}`);
    const key = generateSigningKey();
    const signed = signRulebook(rb, key.privateKeyPem);
    expect(rulebookHash(signed)).toBe(rb.hash);
  });

  it('changes when any part of the body changes', () => {
    const base = sampleRulebook();
    const edits: ((rb: RulebookArtifact) => void)[] = [
      (rb) => (rb.name = 'Other'),
      (rb) => (rb.id = 'other'),
      (rb) => (rb.version = 2),
      (rb) => (rb.parent = { version: 1, hash: base.hash }),
      (rb) => (rb.createdAt = '2024-05-02T10:00:00.000Z'),
      (rb) => (rb.instructions += ' '),
      (rb) => (rb.formatVersion = '1.1'),
      (rb) => (rb.schema.fields[0]!.nullable = false),
      (rb) => rb.schema.fields[1]!.values!.push({ value: 'other' }),
      (rb) => (rb.rules[0]!.enabled = false),
      (rb) => rb.rules.reverse(),
      (rb) => (rb.precedents[0]!.output.issue_type = 'billing'),
      (rb) => (rb.precedents[1]!.message.text += '!'),
      (rb) => (rb.settings.temperature = 0.5),
      (rb) => (rb.settings.maxTokens = 100),
    ];
    const hashes = new Set([base.hash]);
    for (const edit of edits) {
      const rb = clone(base);
      edit(rb);
      hashes.add(rulebookHash(rb));
    }
    expect(hashes.size).toBe(edits.length + 1);
  });

  it('covers a __proto__ key in the body wherever it stands, not only in canonical order', () => {
    const text = serializeRulebook(sampleRulebook());
    const after = JSON.parse(text.replace('"urgency": "high"\n', '"urgency": "high", "__proto__": {"issue_type": "UNSIGNED"}\n')) as RulebookArtifact;
    const before = JSON.parse(text.replace('"issue_type": "account",', '"__proto__": {"issue_type": "UNSIGNED"}, "issue_type": "account",')) as RulebookArtifact;
    expect(Object.keys(after.precedents[0]!.output)).toContain('__proto__');
    expect(rulebookHash(before)).not.toBe(sampleRulebook().hash);
    expect(rulebookHash(after)).toBe(rulebookHash(before));
  });

  it('does not change with key order or the file whitespace', () => {
    const rb = sampleRulebook();
    const reordered = Object.fromEntries(Object.entries(rb).reverse()) as unknown as RulebookArtifact;
    expect(rulebookHash(reordered)).toBe(rb.hash);
    expect(rulebookHash(JSON.parse(JSON.stringify(rb, null, 7)) as RulebookArtifact)).toBe(rb.hash);
    expect(rulebookHash(JSON.parse(JSON.stringify(rb)) as RulebookArtifact)).toBe(rb.hash);
  });
});

describe('signatures', () => {
  it('makes Ed25519 keys with a 16-hex key id of the raw public key', () => {
    const key = generateSigningKey();
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(key.publicKeyPem)).toBe(key.keyId);
    expect(keyIdOf(key.privateKeyPem)).toBe(key.keyId);
    const raw = Buffer.from(createPublicKey(key.publicKeyPem).export({ format: 'jwk' }).x!, 'base64url');
    expect(sha256Hex(raw).slice(0, 16)).toBe(key.keyId);
    expect(generateSigningKey().keyId).not.toBe(key.keyId);
  });

  it('signs the hash and verifies with the public key', () => {
    const key = generateSigningKey();
    const rb = sampleRulebook();
    const signed = signRulebook(rb, key.privateKeyPem);
    expect(signed.signature).toMatchObject({ alg: 'ed25519', keyId: key.keyId });
    expect(signed.hash).toBe(rb.hash);
    expect(rb.signature).toBeUndefined(); // the input is not modified
    expect(verifySignature(signed, key.publicKeyPem)).toEqual({ ok: true, keyId: key.keyId });
    // any of several trusted keys (rotation)
    expect(verifySignature(signed, [generateSigningKey().publicKeyPem, key.publicKeyPem]).ok).toBe(true);
  });

  it('refuses a wrong key, a forged signature, a changed body and an unsigned artifact', () => {
    const key = generateSigningKey();
    const other = generateSigningKey();
    const signed = signRulebook(sampleRulebook(), key.privateKeyPem);
    const wrongKey = verifySignature(signed, other.publicKeyPem);
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.reason).toMatch(/not among the trusted keys/);

    const forged = clone(signed);
    forged.signature = signRulebook(sampleRulebook({ id: 'x' }), key.privateKeyPem).signature!;
    expect(verifySignature(forged, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });

    // Same key id, signature by another key: e.g. a key id collision or a swapped key file.
    const impostor = clone(signed);
    impostor.signature = { ...signRulebook(signed, other.privateKeyPem).signature!, keyId: key.keyId };
    expect(verifySignature(impostor, key.publicKeyPem).ok).toBe(false);

    const changed = clone(signed);
    changed.precedents[0]!.output.issue_type = 'billing';
    expect(verifySignature(changed, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/changed after it was hashed/) });

    const rehashed = { ...changed, hash: rulebookHash(changed) };
    expect(verifySignature(rehashed, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });

    expect(verifySignature(sampleRulebook(), key.publicKeyPem)).toEqual({ ok: false, keyId: null, reason: 'the rulebook is not signed' });

    // Another base64 spelling of the same bytes is a changed file, not the signed one.
    const unpadded = clone(signed);
    unpadded.signature!.value = signed.signature!.value.replace(/=+$/, '');
    expect(verifySignature(unpadded, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringMatching(/not the base64 of a 64-byte Ed25519 signature/) });
  });

  it('re-signs with a new key, and refuses to sign a body that does not match its hash', () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    const resigned = signRulebook(signRulebook(sampleRulebook(), a.privateKeyPem), b.privateKeyPem);
    expect(verifySignature(resigned, b.publicKeyPem).ok).toBe(true);
    expect(verifySignature(resigned, a.publicKeyPem).ok).toBe(false);

    const stale = clone(sampleRulebook());
    stale.name = 'Edited';
    expect(() => signRulebook(stale, a.privateKeyPem)).toThrow(RulebookError);
    expect(() => signRulebook(stale, a.privateKeyPem)).toThrow(/content was changed after it was hashed/);
    // no hash yet: it is computed
    const { hash: _h, ...unhashed } = stale;
    const signed = signRulebook({ ...unhashed, hash: '' }, a.privateKeyPem);
    expect(signed.hash).toBe(rulebookHash(stale));
  });

  it('rejects keys that are not Ed25519 PEMs', () => {
    expect(() => signRulebook(sampleRulebook(), 'not a key')).toThrow(/not a private key PEM/);
    expect(() => keyIdOf('nope')).toThrow(/not a public key PEM/);
  });
});

describe('key sets', () => {
  it('verifies with one PEM text holding several keys (a rotation: old and new key in one file)', () => {
    const oldKey = generateSigningKey();
    const newKey = generateSigningKey();
    const set = oldKey.publicKeyPem + newKey.publicKeyPem;
    const byOld = signRulebook(sampleRulebook(), oldKey.privateKeyPem);
    const byNew = signRulebook(sampleRulebook(), newKey.privateKeyPem);
    expect(verifySignature(byOld, set)).toEqual({ ok: true, keyId: oldKey.keyId });
    expect(verifySignature(byNew, [set])).toEqual({ ok: true, keyId: newKey.keyId });
    const stranger = generateSigningKey();
    expect(verifySignature(signRulebook(sampleRulebook(), stranger.privateKeyPem), set).ok).toBe(false);
  });
});
