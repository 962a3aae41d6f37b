import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../../shared/src/rulebook/sign.js';
import { SigningKeyRepository } from './signingKeys.js';
import { tempWorkspaces, type TempWorkspaces } from './test-helpers.js';
import type { Workspace } from './workspace.js';

let t: TempWorkspaces;
let ws: Workspace;
beforeEach(() => {
  t = tempWorkspaces();
  ws = t.open();
});
afterEach(() => t.cleanup());

describe('signing keys', () => {
  it('keeps one active key, newest first, retires only inactive ones, and refuses private key text', () => {
    const repo = new SigningKeyRepository(ws);
    const a = generateSigningKey();
    const b = generateSigningKey();
    repo.addActive(a.keyId, a.publicKeyPem);
    repo.addActive(b.keyId, b.publicKeyPem);
    expect(repo.list().map((k) => [k.keyId, k.active])).toEqual([[b.keyId, true], [a.keyId, false]]);
    expect(repo.active()!.keyId).toBe(b.keyId);
    expect(repo.retire(b.keyId)).toBe(false);
    expect(repo.retire(a.keyId)).toBe(true);
    expect(repo.retire(a.keyId)).toBe(false);
    expect(repo.get(a.keyId)!.retiredAt).not.toBeNull();
    const c = generateSigningKey();
    expect(() => repo.addActive(c.keyId, c.privateKeyPem)).toThrow(/private key/);
    expect(repo.list()).toHaveLength(2);
  });
});
