// The workspace's Ed25519 public keys. The private halves never come here: they live with the
// host's secrets (`signing-key:<keyId>`). One key is active (it signs new versions); retired keys
// stay in the table but are no longer offered for services to trust.
import type { Statement } from 'better-sqlite3';
import type { Workspace } from './workspace.js';

export interface StoredSigningKey {
  keyId: string;
  publicKeyPem: string;
  createdAt: string;
  retiredAt: string | null;
  active: boolean;
}

interface Row {
  key_id: string;
  public_key_pem: string;
  created_at: string;
  retired_at: string | null;
  active: number;
}

const map = (r: Row): StoredSigningKey => ({ keyId: r.key_id, publicKeyPem: r.public_key_pem, createdAt: r.created_at, retiredAt: r.retired_at, active: r.active === 1 });

/** What a private key PEM starts with: such text never belongs in this table. */
const PRIVATE_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export class SigningKeyRepository {
  private readonly listStmt: Statement<[], Row>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly insertStmt: Statement<[Record<string, string | number>]>;
  private readonly deactivateStmt: Statement<[]>;
  private readonly retireStmt: Statement<[string, string]>;

  constructor(private readonly ws: Workspace) {
    // Newest first; rowid breaks a tie of two keys made in the same millisecond.
    this.listStmt = ws.db.prepare('SELECT * FROM signing_keys ORDER BY created_at DESC, rowid DESC');
    this.getStmt = ws.db.prepare('SELECT * FROM signing_keys WHERE key_id = ?');
    this.insertStmt = ws.db.prepare('INSERT INTO signing_keys (key_id, public_key_pem, created_at, active) VALUES (@key_id, @public_key_pem, @created_at, @active)');
    this.deactivateStmt = ws.db.prepare('UPDATE signing_keys SET active = 0 WHERE active = 1');
    this.retireStmt = ws.db.prepare('UPDATE signing_keys SET retired_at = ? WHERE key_id = ? AND retired_at IS NULL AND active = 0');
  }

  /** Newest first, retired ones included. */
  list(): StoredSigningKey[] {
    return this.listStmt.all().map(map);
  }

  get(keyId: string): StoredSigningKey | null {
    const row = this.getStmt.get(keyId);
    return row ? map(row) : null;
  }

  active(): StoredSigningKey | null {
    return this.list().find((k) => k.active) ?? null;
  }

  /** Adds a public key as the active one (the previous active key stays, inactive). */
  addActive(keyId: string, publicKeyPem: string): StoredSigningKey {
    if (PRIVATE_PEM.test(publicKeyPem)) throw new TypeError('a private key never goes into the workspace');
    if (!/^[0-9a-f]{16}$/.test(keyId)) throw new TypeError(`invalid key id: ${JSON.stringify(keyId)}`);
    return this.ws.write(() => {
      this.deactivateStmt.run();
      this.insertStmt.run({ key_id: keyId, public_key_pem: publicKeyPem, created_at: this.ws.timestamp(), active: 1 });
      return this.get(keyId)!;
    });
  }

  /** Retires an inactive key; false when there is no such key, it is active or already retired. */
  retire(keyId: string): boolean {
    return this.ws.write(() => this.retireStmt.run(this.ws.timestamp(), keyId).changes === 1);
  }
}
