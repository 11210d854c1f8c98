import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Money, isMoneyError } from '@credit/money';
import { assertKnownCurrency } from '../domain/currencies';
import { LedgerError } from '../domain/ledger-error';
import { inTransaction } from '../infrastructure/ledger-transactions';
import { type PendingChange, PostingEngine } from '../infrastructure/posting-engine';
import type {
  CreateHoldRequest,
  HoldView,
  PostHoldRequest,
  VoidHoldRequest,
} from '../api/ledger-schemas';

export type { HoldView };
import { invariant, replayOrConflict, requestHash } from '@credit/kernel';
import { IdempotencyStore } from '@credit/platform';

export type HoldStatus = 'pending' | 'posted' | 'voided' | 'expired';

interface HoldRow {
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
}

/** Holds expired per sweep at most. */
export const HoldExpiryBatchMax = 100;

/** The holds callers placed, by their idempotency key (kept forever). */
const holdKeys = new IdempotencyStore<HoldRow>({ table: 'holds', columns: '*' });
const HoldConflict = { code: 'LEDGER.IDEMPOTENCY_CONFLICT', resource: 'another hold' } as const;

function view(row: HoldRow): HoldView {
  const money = (value: string) => Money.of(value, row.currency).toString();
  return {
    id: row.id,
    status: row.status,
    debitAccount: row.debit_account,
    creditAccount: row.credit_account,
    amount: money(row.amount),
    currency: row.currency,
    postedAmount: row.posted_amount === null ? null : money(row.posted_amount),
    postedEntryId: row.posted_entry_id,
    description: row.description,
    metadata: row.metadata,
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}

function parseAmount(value: string, currency: string, field: string): Money {
  try {
    const amount = Money.of(value, currency);
    if (!amount.isPositive())
      throw new LedgerError('LEDGER.INVALID_ENTRY', `${field} must be greater than zero`, {
        field,
      });
    return amount;
  } catch (error) {
    if (isMoneyError(error)) {
      const code =
        error.code === 'MONEY.SCALE_EXCEEDED' ? 'LEDGER.SCALE_EXCEEDED' : 'LEDGER.INVALID_ENTRY';
      throw new LedgerError(code, `${field}: ${error.message}`, { field });
    }
    throw error;
  }
}

/**
 * Two-phase transfers. A hold reserves an amount as pending on both accounts (limits count it);
 * posting turns all or part of it into a journal entry and releases the rest; voiding or expiry
 * releases all of it. Each transition happens once; the resolution is idempotent by its key.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: PostingEngine,
  ) {}

  async create(
    idempotencyKey: string,
    dto: CreateHoldRequest,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    const hash = requestHash(dto);
    assertKnownCurrency(dto.currency, 'currency');
    const amount = parseAmount(dto.amount, dto.currency, 'amount');
    if (dto.debitAccount === dto.creditAccount) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', 'debitAccount and creditAccount must differ', {
        field: 'creditAccount',
      });
    }
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    return inTransaction(this.dataSource, async (manager) => {
      const existing = await holdKeys.replayOf(manager, idempotencyKey, hash, HoldConflict);
      if (existing) return { hold: view(existing), replayed: true };
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new LedgerError('LEDGER.INVALID_ENTRY', 'expiresAt must be in the future', {
          field: 'expiresAt',
        });
      }
      await this.engine.post(
        manager,
        [],
        this.reservation(dto.debitAccount, dto.creditAccount, amount, 1n),
      );
      const [row] = await manager.query<HoldRow[]>(
        `INSERT INTO holds (id, idempotency_key, request_hash, debit_account, credit_account, amount, currency, status,
                            description, metadata, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10) RETURNING *`,
        [
          randomUUID(),
          idempotencyKey,
          hash,
          dto.debitAccount,
          dto.creditAccount,
          amount.toString(),
          dto.currency,
          dto.description,
          JSON.stringify(dto.metadata ?? {}),
          expiresAt?.toISOString() ?? null,
        ],
      );
      invariant(row, 'INSERT ... RETURNING gave no row');
      return { hold: view(row), replayed: false };
    });
  }

  async post(
    id: string,
    idempotencyKey: string,
    dto: PostHoldRequest,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return this.resolve(
      id,
      idempotencyKey,
      requestHash({ action: 'post', ...dto }),
      async (manager, hold) => {
        const held = Money.of(hold.amount, hold.currency);
        const amount =
          dto.amount === undefined ? held : parseAmount(dto.amount, hold.currency, 'amount');
        if (amount.greaterThan(held)) {
          throw new LedgerError(
            'LEDGER.HOLD_AMOUNT_EXCEEDED',
            `cannot post ${amount.toString()} ${hold.currency}: the hold reserves ${held.toString()}`,
            { held: held.toString() },
          );
        }
        const [entry] = await this.engine.post(
          manager,
          [
            {
              idempotencyKey: `hold:${hold.id}:post`,
              effectiveAt: null,
              description: dto.description ?? hold.description,
              metadata: { ...hold.metadata, holdId: hold.id },
              sourceEventId: null,
              sourceEventType: null,
              rule: null,
              reversesEntryId: null,
              lines: [
                {
                  account: hold.debit_account,
                  side: 'debit',
                  amount: amount.toString(),
                  currency: hold.currency,
                },
                {
                  account: hold.credit_account,
                  side: 'credit',
                  amount: amount.toString(),
                  currency: hold.currency,
                },
              ],
            },
          ],
          this.reservation(hold.debit_account, hold.credit_account, held, -1n),
          hold.id,
        );
        return {
          status: 'posted',
          postedAmount: amount.toString(),
          postedEntryId: entry?.id ?? null,
        };
      },
    );
  }

  async void(
    id: string,
    idempotencyKey: string,
    dto: VoidHoldRequest,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return this.resolve(
      id,
      idempotencyKey,
      requestHash({ action: 'void', ...dto }),
      async (manager, hold) => {
        const held = Money.of(hold.amount, hold.currency);
        await this.engine.post(
          manager,
          [],
          this.reservation(hold.debit_account, hold.credit_account, held, -1n),
        );
        return { status: 'voided', postedAmount: null, postedEntryId: null };
      },
    );
  }

  async get(id: string): Promise<HoldView> {
    const [row] = await this.dataSource.query<HoldRow[]>(`SELECT * FROM holds WHERE id = $1`, [id]);
    if (!row) throw new LedgerError('LEDGER.HOLD_NOT_FOUND', `hold ${id} does not exist`);
    return view(row);
  }

  /** Voids holds whose expiry has passed; returns how many. Safe to run from several instances. */
  async expireDue(now: Date = new Date()): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const due = await manager.query<HoldRow[]>(
        `SELECT * FROM holds WHERE status = 'pending' AND expires_at <= $1
          ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now.toISOString(), HoldExpiryBatchMax],
      );
      if (due.length === 0) return 0;
      const releases = due.flatMap((hold) =>
        this.reservation(
          hold.debit_account,
          hold.credit_account,
          Money.of(hold.amount, hold.currency),
          -1n,
        ),
      );
      await this.engine.post(manager, [], releases);
      await manager.query(
        `UPDATE holds SET status = 'expired', resolved_at = now() WHERE id = ANY($1)`,
        [due.map((h) => h.id)],
      );
      return due.length;
    });
  }

  private reservation(
    debit: string,
    credit: string,
    amount: Money,
    sign: 1n | -1n,
  ): PendingChange[] {
    const units = amount.minorUnits() * sign;
    return [
      { account: debit, currency: amount.currency, side: 'debit', units },
      { account: credit, currency: amount.currency, side: 'credit', units },
    ];
  }

  private async resolve(
    id: string,
    idempotencyKey: string,
    hash: string,
    apply: (
      manager: EntityManager,
      hold: HoldRow,
    ) => Promise<{ status: HoldStatus; postedAmount: string | null; postedEntryId: string | null }>,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return inTransaction(this.dataSource, async (manager) => {
      const [hold] = await manager.query<HoldRow[]>(
        `SELECT * FROM holds WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!hold) throw new LedgerError('LEDGER.HOLD_NOT_FOUND', `hold ${id} does not exist`);
      if (hold.resolution_key === idempotencyKey) {
        replayOrConflict(
          idempotencyKey,
          { id: hold.id, requestHash: hold.resolution_hash ?? '' },
          hash,
          { code: 'LEDGER.IDEMPOTENCY_CONFLICT', resource: 'another resolution of hold' },
        );
        return { hold: view(hold), replayed: true };
      }
      const [other] = await manager.query<{ id: string }[]>(
        `SELECT id FROM holds WHERE resolution_key = $1 AND id <> $2`,
        [idempotencyKey, id],
      );
      if (other) {
        throw new LedgerError(
          'LEDGER.IDEMPOTENCY_CONFLICT',
          `idempotency key "${idempotencyKey}" was used for hold ${other.id}`,
        );
      }
      if (hold.status === 'posted')
        throw new LedgerError('LEDGER.HOLD_ALREADY_POSTED', `hold ${id} was already posted`);
      if (hold.status === 'voided')
        throw new LedgerError('LEDGER.HOLD_ALREADY_VOIDED', `hold ${id} was already voided`);
      if (
        hold.status === 'expired' ||
        (hold.expires_at !== null && hold.expires_at.getTime() <= Date.now())
      ) {
        throw new LedgerError(
          'LEDGER.HOLD_EXPIRED',
          `hold ${id} expired at ${hold.expires_at?.toISOString() ?? '?'}`,
        );
      }
      const outcome = await apply(manager, hold);
      // TypeORM answers an UPDATE with [rows, affected].
      const [[updated]] = await manager.query<[HoldRow[], number]>(
        `UPDATE holds SET status = $2, posted_amount = $3, posted_entry_id = $4, resolved_at = now(),
                          resolution_key = $5, resolution_hash = $6
          WHERE id = $1 RETURNING *`,
        [id, outcome.status, outcome.postedAmount, outcome.postedEntryId, idempotencyKey, hash],
      );
      invariant(updated, 'hold vanished under its lock');
      return { hold: view(updated), replayed: false };
    });
  }
}
