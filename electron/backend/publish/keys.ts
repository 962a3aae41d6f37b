// The workspace's signing keys: Ed25519, the public halves in the workspace (signing_keys), the
// private halves with the host's secrets as `signing-key:<keyId>` (PKCS#8 PEM). A private key never
// goes into the workspace, an export, a log, a result or a rulebook.
import { ApiError, type ExportedFile, type SigningKeys } from '../../../shared/src/api/index.js';
import { generateSigningKey } from '../../../shared/src/rulebook/sign.js';
import type { StoredSigningKey } from '../../services/workspace/index.js';
import type { BackendContext } from '../context.js';

export const secretName = (keyId: string) => `signing-key:${keyId}`;
export const PUBLIC_KEYS_FILE = 'casebook-public-keys.pem';

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
    const key = ctx.transaction(() => ctx.repos.signingKeys.addActive(made.keyId, made.publicKeyPem));
    return { key, privateKeyPem: made.privateKeyPem };
  } catch (err) {
    ctx.opts.secrets.setSecret(secretName(made.keyId), null);
    throw err;
  }
}

/** The active key and its private half, made on first use. Refuses when the private half is not on this host. */
export function activeSigningKey(ctx: BackendContext): { key: StoredSigningKey; privateKeyPem: string } {
  const active = ctx.repos.signingKeys.active();
  if (!active) return makeActiveKey(ctx);
  const privateKeyPem = ctx.opts.secrets.getSecret(secretName(active.keyId));
  if (!privateKeyPem) {
    throw new ApiError({
      code: 'conflict',
      message: `the private half of signing key ${active.keyId} is not kept on this computer (it stays where the key was made): rotate the signing key to sign with a new one`,
    });
  }
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
    ctx.transaction(() => ctx.repos.signingKeys.retire(keyId));
    // A retired key signs nothing again: its private half goes.
    ctx.opts.secrets.setSecret(secretName(keyId), null);
    ctx.emit('publishChanged', { reason: 'keys' });
  }
  return listSigningKeys(ctx);
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
