import type { EntityManager } from 'typeorm';
import type { CredentialRole } from '@credit/contracts';
import { IdempotencyStore, type Queryable } from '@credit/platform';

export interface CredentialRow {
  id: string;
  holder: string;
  role: CredentialRole;
  secret_hash: string;
  description: string;
  issued_at: Date;
  issued_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  idempotency_key: string;
  request_hash: string;
}

/** A credential as it is issued: the secret's hash only. */
export interface NewCredential {
  readonly id: string;
  readonly holder: string;
  readonly role: CredentialRole;
  readonly secretHash: string;
  readonly description: string;
  readonly issuedBy: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
}

/** The credentials issued, by the Idempotency-Key of their issue (kept forever). */
export const credentialKeys = new IdempotencyStore<CredentialRow>({
  table: 'credentials',
  columns: '*',
});

/** The SQL of named credentials. */
export const CredentialStore = {
  async insert(manager: EntityManager, credential: NewCredential): Promise<CredentialRow> {
    const [row] = await manager.query<CredentialRow[]>(
      `INSERT INTO credentials (id, holder, role, secret_hash, description, issued_by, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        credential.id,
        credential.holder,
        credential.role,
        credential.secretHash,
        credential.description,
        credential.issuedBy,
        credential.idempotencyKey,
        credential.requestHash,
      ],
    );
    if (!row) throw new Error('INSERT ... RETURNING gave no row');
    return row;
  },

  async find(db: Queryable, id: string, lock: boolean): Promise<CredentialRow | undefined> {
    const [row] = await db.query<CredentialRow[]>(
      `SELECT * FROM credentials WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  },

  /** Revokes a credential not yet revoked (the caller holds its row lock). */
  async revoke(manager: EntityManager, id: string, revokedBy: string): Promise<CredentialRow> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [[row]] = await manager.query<[CredentialRow[], number]>(
      `UPDATE credentials SET revoked_at = now(), revoked_by = $2
        WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
      [id, revokedBy],
    );
    if (!row) throw new Error(`credential ${id} was not revocable`);
    return row;
  },

  /** Newest first; `status` narrows to active or revoked ones. */
  async list(db: Queryable, status: 'active' | 'revoked' | undefined): Promise<CredentialRow[]> {
    const where =
      status === 'active'
        ? 'WHERE revoked_at IS NULL'
        : status === 'revoked'
          ? 'WHERE revoked_at IS NOT NULL'
          : '';
    return db.query<CredentialRow[]>(
      `SELECT * FROM credentials ${where} ORDER BY issued_at DESC, id`,
    );
  },
};
