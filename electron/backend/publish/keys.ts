// The workspace's signing keys: Ed25519, the public halves in the workspace (signing_keys), the
// private halves with the host's secrets as `signing-key:<keyId>` (PKCS#8 PEM). A private key never
// goes into the workspace, an export, a log, a result or a rulebook.
//
// The host's secrets are shared by every workspace file the host opens, and key ids are public
// (every signed rulebook names its key). So a private key is bound to the workspace file that made
// it, in the host's settings (which no workspace file can write): the real path of that file, by
// key id. A workspace whose signing_keys row names another workspace's key id cannot sign with it,
// nor retire (delete) it. Moving a workspace file means rotating its key.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, type ExportedFile, type SigningKeys } from '../../../shared/src/api/index.js';
import { generateSigningKey, keyIdOf } from '../../../shared/src/rulebook/sign.js';
import type { StoredSigningKey } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';
import { readDraft } from '../draft.js';

export const secretName = (keyId: string) => `signing-key:${keyId}`;
export const PUBLIC_KEYS_FILE = 'casebook-public-keys.pem';
/** Host setting: `{ [keyId]: real path of the workspace file that made the key }`. */
export const KEY_OWNERS_SETTING = 'publish.signingKeyOwners';

/** The open workspace file's real path (symbolic links resolved), which a key is bound to. */
export function workspaceIdentity(ctx: BackendContext): string {
  const path = resolve(ctx.opts.workspacePath);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function keyOwners(ctx: BackendContext): Record<string, string> {
  const v = ctx.opts.settings.get(KEY_OWNERS_SETTING);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, string>) } : {};
}

function setKeyOwner(ctx: BackendContext, keyId: string, owner: string | null): void {
  const owners = keyOwners(ctx);
  if (owner === null) delete owners[keyId];
  else owners[keyId] = owner;
  ctx.opts.settings.set(KEY_OWNERS_SETTING, owners);
}

/** The workspace file a key's private half belongs to, or null when the host has no record of it. */
export function keyOwner(ctx: BackendContext, keyId: string): string | null {
  const owner = keyOwners(ctx)[keyId];
  return typeof owner === 'string' ? owner : null;
}

/** Whether this workspace file made the key (so its private half is this workspace's to use or delete). */
function ownsKey(ctx: BackendContext, keyId: string): boolean {
  return keyOwner(ctx, keyId) === workspaceIdentity(ctx);
}

/** Forgets a private key this workspace made: its secret and its owner record. */
export function discardPrivateKey(ctx: BackendContext, keyId: string): void {
  ctx.opts.secrets.setSecret(secretName(keyId), null);
  setKeyOwner(ctx, keyId, null);
}

export function listSigningKeys(ctx: BackendContext): SigningKeys {
  return {
    keys: ctx.repos.signingKeys.list().map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem, createdAt: k.createdAt, retiredAt: k.retiredAt, active: k.active })),
    storage: ctx.opts.secrets.storage,
  };
}

/**
 * Makes a new key and makes it the active one: the private half is stored with the host's secrets
 * first (a failure there leaves the workspace unchanged), then the public half in the workspace,
 * in the caller's transaction if there is one.
 */
export function makeActiveKey(ctx: BackendContext): { key: StoredSigningKey; privateKeyPem: string } {
  const made = generateSigningKey();
  ctx.opts.secrets.setSecret(secretName(made.keyId), made.privateKeyPem);
  try {
    setKeyOwner(ctx, made.keyId, workspaceIdentity(ctx));
    const key = ctx.transaction(() => ctx.repos.signingKeys.addActive(made.keyId, made.publicKeyPem));
    return { key, privateKeyPem: made.privateKeyPem };
  } catch (err) {
    discardPrivateKey(ctx, made.keyId);
    throw err;
  }
}

/**
 * The active key and its private half, made on first use. Refuses when the private half is not on
 * this host, when this workspace file did not make it (the host's record says which file did), and
 * when the private half does not match the public key the workspace holds.
 */
export function activeSigningKey(ctx: BackendContext): { key: StoredSigningKey; privateKeyPem: string } {
  const active = ctx.repos.signingKeys.active();
  if (!active) return makeActiveKey(ctx);
  const refuse = (why: string) => new ApiError({ code: 'conflict', message: `${why}: rotate the signing key to sign with a new one made for this workspace` });
  const privateKeyPem = ctx.opts.secrets.getSecret(secretName(active.keyId));
  if (!privateKeyPem) {
    throw refuse(`the private half of signing key ${active.keyId} is not kept on this computer (it stays where the key was made)`);
  }
  const owner = keyOwner(ctx, active.keyId);
  const here = workspaceIdentity(ctx);
  if (owner !== here) {
    throw refuse(owner === null
      ? `signing key ${active.keyId} is not recorded as made by this workspace file (${here}) on this computer`
      : `this signing key belongs to another workspace file (${owner}); a workspace file that was moved or copied needs a key of its own`);
  }
  let matches = false;
  try {
    matches = keyIdOf(privateKeyPem) === active.keyId && keyIdOf(active.publicKeyPem) === active.keyId;
  } catch {
    matches = false;
  }
  if (!matches) throw refuse(`the private half kept for signing key ${active.keyId} does not match the public key this workspace holds for it`);
  return { key: active, privateKeyPem };
}

export function rotateSigningKey(ctx: BackendContext): SigningKeys {
  makeActiveKey(ctx);
  ctx.emit('publishChanged', { reason: 'keys' });
  return listSigningKeys(ctx);
}

export function retireSigningKey(ctx: BackendContext, keyId: string): SigningKeys {
  const key = ctx.repos.signingKeys.get(keyId);
  if (!key) throw new ApiError({ code: 'not_found', message: `no signing key ${keyId} in this workspace` });
  if (key.active) throw new ApiError({ code: 'conflict', message: `key ${keyId} signs new versions: rotate to a new key before retiring it` });
  if (key.retiredAt === null) {
    ctx.transaction(() => {
      // Services stop trusting a retired key: a label on a version it signed would be refused by
      // every service, and a rollback to it would fail where it matters.
      const held = labelledVersionsSignedBy(ctx, keyId);
      if (held.length > 0) {
        throw new ApiError({
          code: 'conflict',
          message: `key ${keyId} signed ${held.map((h) => `version ${h.version} (${h.labels.join(', ')})`).join(' and ')}, which ${held.reduce((n, h) => n + h.labels.length, 0) === 1 ? 'a label points' : 'labels point'} at: services would refuse ${held.length === 1 ? 'it' : 'them'} once the key is retired. Move those labels to versions signed by another key (publish again with the active key) before retiring it`,
        });
      }
      ctx.repos.signingKeys.retire(keyId);
    });
    // A retired key signs nothing again: its private half goes, when it is this workspace's (a
    // row naming another workspace's key id never deletes that workspace's key).
    if (ownsKey(ctx, keyId)) discardPrivateKey(ctx, keyId);
    ctx.emit('publishChanged', { reason: 'keys' });
  }
  return listSigningKeys(ctx);
}

/** The versions signed by a key that labels point at now, oldest first, with those labels. */
export function labelledVersionsSignedBy(ctx: BackendContext, keyId: string): { version: number; labels: string[] }[] {
  const id = readDraft(ctx.repos)?.id;
  if (!id) return [];
  return ctx.repos.rulebookVersions
    .listing(id)
    .filter((v) => v.keyId === keyId && v.labels.length > 0)
    .map((v) => ({ version: v.version, labels: [...v.labels].sort() }))
    .sort((a, b) => a.version - b.version);
}

/** One key's public PEM, or every unretired key's, as a file services verify with. */
export function exportPublicKey(ctx: BackendContext, keyId?: string): ExportedFile {
  let keys: StoredSigningKey[];
  if (keyId !== undefined) {
    const key = ctx.repos.signingKeys.get(keyId);
    if (!key) throw new ApiError({ code: 'not_found', message: `no signing key ${keyId} in this workspace` });
    keys = [key];
  } else {
    keys = ctx.repos.signingKeys.list().filter((k) => k.retiredAt === null);
    if (keys.length === 0) throw new ApiError({ code: 'not_found', message: 'this workspace has no signing key yet: the first publish makes one' });
  }
  const content = keys.map((k) => (k.publicKeyPem.endsWith('\n') ? k.publicKeyPem : `${k.publicKeyPem}\n`)).join('');
  return { name: keyId !== undefined ? `casebook-public-key-${keyId}.pem` : PUBLIC_KEYS_FILE, mimeType: 'application/x-pem-file', content, count: keys.length };
}
