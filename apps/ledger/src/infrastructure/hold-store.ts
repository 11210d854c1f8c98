import type { EntityManager } from 'typeorm';
import { IdempotencyStore } from '@credit/platform';

export type HoldStatus = 'pending' | 'posted' | 'voided' | 'expired';

export interface HoldRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  debit_account: string;
  credit_account: string;
  amount: string;
  currency: string;
  status: HoldStatus;
  posted_amount: string | null;
  posted_entry_id: string | null;
  description: string;
  metadata: Record<string, unknown>;
  expires_at: Date | null;
  created_at: Date;
  resolved_at: Date | null;
  resolution_key: string | null;
  resolution_hash: string | null;
  actor: string;
  resolved_by: string | null;
}

/** A new hold as it is recorded. */
export interface NewHold {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly debitAccount: string;
  readonly creditAccount: string;
  readonly amount: string;
  readonly currency: string;
  readonly description: string;
  readonly metadata: Record<string, unknown>;
  readonly expiresAt: Date | null;
  /** Who placed it. */
  readonly actor: string;
}

/** How a hold was resolved, under the key that resolved it. */
export interface HoldResolution {
  readonly status: HoldStatus;
  readonly postedAmount: string | null;
  readonly postedEntryId: string | null;
  readonly key: string;
  readonly hash: string;
  /** Who posted or voided it. */
  readonly resolvedBy: string;
}

/** The holds callers placed, by their idempotency key (kept forever). */
export const holdKeys = new IdempotencyStore<HoldRow>({ table: 'holds', columns: '*' });

/** The SQL of holds. */
export const HoldStore = {
  async insert(manager: EntityManager, hold: NewHold): Promise<HoldRow | undefined> {
    const [row] = await manager.query<HoldRow[]>(
      `INSERT INTO holds (id, idempotency_key, request_hash, debit_account, credit_account, amount, currency, status,
                          description, metadata, expires_at, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11) RETURNING *`,
      [
        hold.id,
        hold.idempotencyKey,
        hold.requestHash,
        hold.debitAccount,
        hold.creditAccount,
        hold.amount,
        hold.currency,
        hold.description,
        JSON.stringify(hold.metadata),
        hold.expiresAt?.toISOString() ?? null,
        hold.actor,
      ],
    );
    return row;
  },

  async find(manager: EntityManager, id: string, lock: boolean): Promise<HoldRow | undefined> {
    const [row] = await manager.query<HoldRow[]>(
      `SELECT * FROM holds WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  },

  /** Pending holds expired at `now`, oldest first, locked (skipping those another sweep holds). */
  dueForExpiry(manager: EntityManager, now: Date, limit: number): Promise<HoldRow[]> {
    return manager.query<HoldRow[]>(
      `SELECT * FROM holds WHERE status = 'pending' AND expires_at <= $1
        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now.toISOString(), limit],
    );
  },

  async markExpired(manager: EntityManager, ids: readonly string[], actor: string): Promise<void> {
    await manager.query(
      `UPDATE holds SET status = 'expired', resolved_at = now(), resolved_by = $2 WHERE id = ANY($1)`,
      [ids, actor],
    );
  },

  /** Another hold resolved under `key` (a key resolves one hold), if any. */
  async resolvedElsewhere(
    manager: EntityManager,
    key: string,
    id: string,
  ): Promise<{ id: string } | undefined> {
    const [other] = await manager.query<{ id: string }[]>(
      `SELECT id FROM holds WHERE resolution_key = $1 AND id <> $2`,
      [key, id],
    );
    return other;
  },

  async resolve(
    manager: EntityManager,
    id: string,
    resolution: HoldResolution,
  ): Promise<HoldRow | undefined> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [[updated]] = await manager.query<[HoldRow[], number]>(
      `UPDATE holds SET status = $2, posted_amount = $3, posted_entry_id = $4, resolved_at = now(),
                        resolution_key = $5, resolution_hash = $6, resolved_by = $7
        WHERE id = $1 RETURNING *`,
      [
        id,
        resolution.status,
        resolution.postedAmount,
        resolution.postedEntryId,
        resolution.key,
        resolution.hash,
        resolution.resolvedBy,
      ],
    );
    return updated;
  },
};
