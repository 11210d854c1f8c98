import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CredentialRecordedV1, type CredentialState } from '@credit/contracts';
import type { CreateCredentialRequest, CredentialView, IssuedCredentialView } from '@credit/api';
import { requestHash } from '@credit/kernel';
import { OutboxWriter } from '@credit/messaging';
import { credentialSecretHash, newCredentialId, newCredentialSecret } from '@credit/platform';
import { LedgerError } from '../domain/ledger-error';
import {
  type CredentialRow,
  CredentialStore,
  credentialKeys,
} from '../infrastructure/credential-store';
import { inTransaction } from '../infrastructure/ledger-transactions';

const CredentialConflict = {
  code: 'LEDGER.IDEMPOTENCY_CONFLICT',
  resource: 'another credential',
} as const;

/** What a replayed issue says instead of the secret. */
export const SecretNotShownAgain =
  'replayed: the secret is shown only in the answer that issued the credential; if it was lost, issue a new credential and revoke this one';

function view(row: CredentialRow): CredentialView {
  return {
    id: row.id,
    holder: row.holder,
    role: row.role,
    description: row.description,
    status: row.revoked_at ? 'revoked' : 'active',
    issuedAt: row.issued_at.toISOString(),
    issuedBy: row.issued_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
  };
}

/** The state every service keeps: no secret, its hash only. */
function stateOf(row: CredentialRow): CredentialState {
  return {
    id: row.id,
    holder: row.holder,
    role: row.role,
    secretHash: row.secret_hash,
    issuedAt: row.issued_at.toISOString(),
    issuedBy: row.issued_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
  };
}

/**
 * Named operator and admin credentials: the ledger issues and revokes them, keeps the hash of
 * each secret, and publishes each change through its outbox on `platform.credentials`, from which
 * every service authenticates. The event's id is derived from the credential and the change, so
 * publishing again (a retry, a relay restart) is the same event.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async issue(
    idempotencyKey: string,
    dto: CreateCredentialRequest,
    actor: string,
  ): Promise<{ credential: IssuedCredentialView; replayed: boolean }> {
    const hash = requestHash(dto);
    return inTransaction(this.dataSource, async (manager) => {
      const existing = await credentialKeys.replayOf(
        manager,
        idempotencyKey,
        hash,
        CredentialConflict,
      );
      if (existing)
        return {
          credential: { ...view(existing), secret: null, note: SecretNotShownAgain },
          replayed: true,
        };
      const id = newCredentialId();
      const secret = newCredentialSecret(id);
      const row = await CredentialStore.insert(manager, {
        id,
        holder: dto.holder,
        role: dto.role,
        secretHash: credentialSecretHash(secret),
        description: dto.description ?? '',
        issuedBy: actor,
        idempotencyKey,
        requestHash: hash,
      });
      await this.publish(manager, row, 'issued');
      return { credential: { ...view(row), secret }, replayed: false };
    });
  }

  async list(status: 'active' | 'revoked' | undefined): Promise<CredentialView[]> {
    return (await CredentialStore.list(this.dataSource, status)).map(view);
  }

  /** Revokes the credential; a revoked one answers as it is (its first revocation). */
  async revoke(id: string, actor: string): Promise<CredentialView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await CredentialStore.find(manager, id, true);
      if (!row) throw new LedgerError('LEDGER.CREDENTIAL_NOT_FOUND', `no credential ${id}`, { id });
      if (row.revoked_at) return view(row);
      const revoked = await CredentialStore.revoke(manager, id, actor);
      await this.publish(manager, revoked, 'revoked');
      return view(revoked);
    });
  }

  private async publish(
    manager: EntityManager,
    row: CredentialRow,
    change: 'issued' | 'revoked',
  ): Promise<void> {
    await this.outbox.append(manager, {
      definition: CredentialRecordedV1,
      key: row.id,
      payload: stateOf(row),
      cause: { source: 'credentials', id: `${row.id}:${change}` },
    });
  }
}
