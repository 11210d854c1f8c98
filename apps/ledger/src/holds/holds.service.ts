import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Money, isMoneyError } from '@credit/money';
import { assertKnownCurrency } from '../domain/currencies';
import { LedgerSystemActor } from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';
import { inTransaction } from '../infrastructure/ledger-transactions';
import { type PendingChange, PostingEngine } from '../infrastructure/posting-engine';
import type { CreateHoldRequest, HoldView, PostHoldRequest, VoidHoldRequest } from '@credit/api';

export type { HoldView };
import { invariant, replayOrConflict, requestHash } from '@credit/kernel';
import { type HoldRow, type HoldStatus, HoldStore, holdKeys } from '../infrastructure/hold-store';

export type { HoldStatus };

/** Holds expired per sweep at most. */
export const HoldExpiryBatchMax = 100;

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
    actor: row.actor,
    resolvedBy: row.resolved_by,
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
    actor: string,
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
      const row = await HoldStore.insert(manager, {
        id: randomUUID(),
        idempotencyKey,
        requestHash: hash,
        debitAccount: dto.debitAccount,
        creditAccount: dto.creditAccount,
        amount: amount.toString(),
        currency: dto.currency,
        description: dto.description,
        metadata: dto.metadata ?? {},
        expiresAt,
        actor,
      });
      invariant(row, 'INSERT ... RETURNING gave no row');
      return { hold: view(row), replayed: false };
    });
  }

  async post(
    id: string,
    idempotencyKey: string,
    dto: PostHoldRequest,
    actor: string,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return this.resolve(
      id,
      idempotencyKey,
      actor,
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
              actor,
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
    actor: string,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return this.resolve(
      id,
      idempotencyKey,
      actor,
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
    const row = await HoldStore.find(this.dataSource.manager, id, false);
    if (!row) throw new LedgerError('LEDGER.HOLD_NOT_FOUND', `hold ${id} does not exist`);
    return view(row);
  }

  /** Voids holds whose expiry has passed; returns how many. Safe to run from several instances. */
  async expireDue(now: Date = new Date()): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const due = await HoldStore.dueForExpiry(manager, now, HoldExpiryBatchMax);
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
      await HoldStore.markExpired(
        manager,
        due.map((h) => h.id),
        LedgerSystemActor,
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
    actor: string,
    hash: string,
    apply: (
      manager: EntityManager,
      hold: HoldRow,
    ) => Promise<{ status: HoldStatus; postedAmount: string | null; postedEntryId: string | null }>,
  ): Promise<{ hold: HoldView; replayed: boolean }> {
    return inTransaction(this.dataSource, async (manager) => {
      const hold = await HoldStore.find(manager, id, true);
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
      const other = await HoldStore.resolvedElsewhere(manager, idempotencyKey, id);
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
      const updated = await HoldStore.resolve(manager, id, {
        ...outcome,
        key: idempotencyKey,
        hash,
        resolvedBy: actor,
      });
      invariant(updated, 'hold vanished under its lock');
      return { hold: view(updated), replayed: false };
    });
  }
}
