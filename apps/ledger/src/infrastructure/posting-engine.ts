import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LedgerEntryPostedV1 } from '@credit/contracts';
import type { OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import type { Account, Side } from '../domain/accounts';
import {
  type BalanceState,
  applyPending,
  applyPosted,
  assertWithinLimits,
  signedPosted,
} from '../domain/balances';
import {
  type EntryDraft,
  type ValidatedEntry,
  assertLinesMatchAccounts,
  validateEntry,
} from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';
import type { AccountDirectory } from './account-directory';

/** Entries posted in one transaction at most (API batches and consumer batches). */
export const PostingBatchMax = 500;

/** A change to reserved (pending) amounts, applied under the same locks as the entries. */
export interface PendingChange {
  readonly account: string;
  readonly currency: string;
  readonly side: Side;
  /** Positive reserves, negative releases. Minor units. */
  readonly units: bigint;
}

export interface PostedEntry {
  readonly id: string;
  readonly idempotencyKey: string;
  /** True when the key was seen before with the same content: the original entry is returned. */
  readonly replayed: boolean;
}

interface BalanceRow {
  account_id: string;
  currency: string;
  posted_debits: string;
  posted_credits: string;
  pending_debits: string;
  pending_credits: string;
  line_count: string;
}

interface LockedBalance {
  readonly account: Account;
  readonly state: BalanceState;
  lineCount: bigint;
  touched: boolean;
}

const balanceKey = (account: string, currency: string) => `${account}|${currency}`;

/**
 * Posts entries: validation, idempotency by key and content hash, sub-account creation, balance
 * rows locked once per batch in sorted order, limit checks against the new balances, then a fixed
 * number of statements whatever the batch size (entries, lines, balances, outbox).
 * Runs inside the caller's transaction; a thrown error rolls back everything.
 */
export class PostingEngine {
  constructor(
    private readonly accounts: AccountDirectory,
    private readonly outbox: OutboxWriter,
  ) {}

  async post(
    manager: EntityManager,
    drafts: readonly EntryDraft[],
    pending: readonly PendingChange[] = [],
    holdId: string | null = null,
  ): Promise<PostedEntry[]> {
    if (drafts.length > PostingBatchMax) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', `at most ${PostingBatchMax} entries per batch`);
    }
    const validated = drafts.map((draft, index) => {
      try {
        return validateEntry(draft);
      } catch (error) {
        if (error instanceof LedgerError && drafts.length > 1) {
          throw new LedgerError(error.code, `entries[${index}]: ${error.message}`, {
            ...error.details,
            entry: index,
          });
        }
        throw error;
      }
    });
    const keys = validated.map((entry) => entry.idempotencyKey);
    if (new Set(keys).size !== keys.length) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', 'a batch may not repeat an idempotency key');
    }

    const existing = await this.existingByKey(manager, keys);
    const results: PostedEntry[] = [];
    const fresh: ValidatedEntry[] = [];
    for (const entry of validated) {
      const previous = existing.get(entry.idempotencyKey);
      if (!previous) {
        fresh.push(entry);
        continue;
      }
      if (previous.requestHash !== entry.requestHash) {
        throw new LedgerError(
          'LEDGER.IDEMPOTENCY_CONFLICT',
          `idempotency key "${entry.idempotencyKey}" was used for an entry with different content (${previous.id})`,
          { entryId: previous.id },
        );
      }
      results.push({ id: previous.id, idempotencyKey: entry.idempotencyKey, replayed: true });
    }
    if (fresh.length === 0 && pending.length === 0) return results;

    const accountIds = [
      ...fresh.flatMap((e) => e.lines.map((l) => l.account)),
      ...pending.map((p) => p.account),
    ];
    const accounts = await this.accounts.resolve(manager, accountIds);
    const accountOf = (id: string): Account => {
      const account = accounts.get(id);
      if (!account)
        throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `account ${id} does not exist`, {
          account: id,
        });
      return account;
    };
    fresh.forEach((entry) => assertLinesMatchAccounts(entry, accountOf));
    for (const change of pending) {
      if (accountOf(change.account).currency !== change.currency) {
        throw new LedgerError(
          'LEDGER.CURRENCY_MISMATCH',
          `account ${change.account} is not kept in ${change.currency}`,
        );
      }
    }

    const balances = await this.lockBalances(manager, accounts);
    const [{ now }] = await manager.query<[{ now: Date }]>(`SELECT clock_timestamp() AS now`);
    const postedAt = now.toISOString();

    for (const change of pending) {
      const locked = balances.get(balanceKey(change.account, change.currency));
      if (!locked)
        throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `no balance for ${change.account}`);
      applyPending(locked.state, change.side, change.units);
      if (locked.state.pendingDebits < 0n || locked.state.pendingCredits < 0n) {
        throw new Error(`invariant violated: pending amount of ${change.account} below zero`);
      }
      locked.touched = true;
    }
    const withinLimits = (locked: LockedBalance) =>
      assertWithinLimits(locked.account, locked.state, (units) =>
        Money.fromMinorUnits(units, locked.account.currency).toString(),
      );
    for (const change of pending) {
      const locked = balances.get(balanceKey(change.account, change.currency));
      if (locked) withinLimits(locked);
    }

    const entryIds = fresh.map(() => randomUUID());
    const lineRows: {
      entry: number;
      lineNo: number;
      account: string;
      side: Side;
      amount: string;
      currency: string;
      balanceAfter: string;
    }[] = [];
    fresh.forEach((entry, index) => {
      const touchedByEntry = new Set<LockedBalance>();
      for (const line of entry.lines) {
        const locked = balances.get(balanceKey(line.account, line.amount.currency));
        if (!locked)
          throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `no balance for ${line.account}`);
        applyPosted(locked.state, line.side, line.amount.minorUnits());
        locked.lineCount += 1n;
        locked.touched = true;
        touchedByEntry.add(locked);
        lineRows.push({
          entry: index,
          lineNo: line.lineNo,
          account: line.account,
          side: line.side,
          amount: line.amount.toString(),
          currency: line.amount.currency,
          balanceAfter: Money.fromMinorUnits(
            signedPosted(locked.state),
            line.amount.currency,
          ).toString(),
        });
      }
      // Limits hold after every entry, not only at the end of a batch: a later entry of the batch
      // may not lend an earlier one the room it lacked.
      try {
        touchedByEntry.forEach(withinLimits);
      } catch (error) {
        if (error instanceof LedgerError && fresh.length > 1) {
          throw new LedgerError(error.code, `entries[${index}]: ${error.message}`, {
            ...error.details,
            entry: index,
          });
        }
        throw error;
      }
    });

    if (fresh.length > 0) {
      const inserted = await manager.query<{ id: string; seq: string }[]>(
        `INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description, metadata,
                                      source_event_id, source_event_type, rule, reverses_entry_id, hold_id)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[],
                              $7::jsonb[], $8::uuid[], $9::text[], $10::text[], $11::uuid[], $12::uuid[])
         RETURNING id, seq`,
        [
          entryIds,
          fresh.map((e) => e.idempotencyKey),
          fresh.map((e) => e.requestHash),
          fresh.map((e) => e.effectiveAt ?? postedAt),
          fresh.map(() => postedAt),
          fresh.map((e) => e.description),
          fresh.map((e) => JSON.stringify(e.metadata)),
          fresh.map((e) => e.sourceEventId),
          fresh.map((e) => e.sourceEventType),
          fresh.map((e) => e.rule),
          fresh.map((e) => e.reversesEntryId),
          fresh.map(() => holdId),
        ],
      );
      const seqOf = new Map(inserted.map((row) => [row.id, row.seq]));
      await manager.query(
        `INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
         SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[], $5::numeric[], $6::char(3)[],
                              $7::bigint[], $8::timestamptz[], $9::numeric[])`,
        [
          lineRows.map((l) => entryIds[l.entry]),
          lineRows.map((l) => l.lineNo),
          lineRows.map((l) => l.account),
          lineRows.map((l) => l.side),
          lineRows.map((l) => l.amount),
          lineRows.map((l) => l.currency),
          lineRows.map((l) => seqOf.get(entryIds[l.entry] ?? '')),
          lineRows.map(() => postedAt),
          lineRows.map((l) => l.balanceAfter),
        ],
      );
    }

    const touched = [...balances.values()].filter((b) => b.touched);
    const major = (units: bigint, currency: string) =>
      Money.fromMinorUnits(units, currency).toString();
    await manager.query(
      `UPDATE balances b
          SET posted_debits = v.pd, posted_credits = v.pc, pending_debits = v.ped, pending_credits = v.pec,
              line_count = v.lc, updated_at = $8
         FROM unnest($1::text[], $2::char(3)[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[])
              AS v(account_id, currency, pd, pc, ped, pec, lc)
        WHERE b.account_id = v.account_id AND b.currency = v.currency`,
      [
        touched.map((b) => b.account.id),
        touched.map((b) => b.account.currency),
        touched.map((b) => major(b.state.postedDebits, b.account.currency)),
        touched.map((b) => major(b.state.postedCredits, b.account.currency)),
        touched.map((b) => major(b.state.pendingDebits, b.account.currency)),
        touched.map((b) => major(b.state.pendingCredits, b.account.currency)),
        touched.map((b) => b.lineCount.toString()),
        postedAt,
      ],
    );

    await this.outbox.appendMany(
      manager,
      fresh.map((entry, index) => ({
        definition: LedgerEntryPostedV1,
        key: entryIds[index] ?? '',
        payload: {
          entryId: entryIds[index],
          idempotencyKey: entry.idempotencyKey,
          sourceEventId: entry.sourceEventId,
          reversesEntryId: entry.reversesEntryId,
          effectiveAt: entry.effectiveAt ?? postedAt,
          postedAt,
          lines: entry.lines.map((line) => ({
            account: line.account,
            side: line.side,
            amount: line.amount.toJSON(),
          })),
        },
      })),
    );

    fresh.forEach((entry, index) =>
      results.push({
        id: entryIds[index] ?? '',
        idempotencyKey: entry.idempotencyKey,
        replayed: false,
      }),
    );
    const order = new Map(keys.map((key, index) => [key, index]));
    return results.sort(
      (a, b) => (order.get(a.idempotencyKey) ?? 0) - (order.get(b.idempotencyKey) ?? 0),
    );
  }

  private async existingByKey(
    manager: EntityManager,
    keys: readonly string[],
  ): Promise<Map<string, { id: string; requestHash: string }>> {
    const rows = await manager.query<
      { id: string; idempotency_key: string; request_hash: string }[]
    >(
      `SELECT id, idempotency_key, request_hash FROM journal_entries WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    return new Map(
      rows.map((row) => [row.idempotency_key, { id: row.id, requestHash: row.request_hash }]),
    );
  }

  /** Locks the balance rows of every involved account in one statement, in (account, currency) order. */
  private async lockBalances(
    manager: EntityManager,
    accounts: Map<string, Account>,
  ): Promise<Map<string, LockedBalance>> {
    const list = [...accounts.values()];
    const rows = await manager.query<BalanceRow[]>(
      `SELECT b.account_id, b.currency, b.posted_debits, b.posted_credits, b.pending_debits, b.pending_credits, b.line_count
         FROM balances b
         JOIN unnest($1::text[], $2::char(3)[]) AS w(account_id, currency)
           ON b.account_id = w.account_id AND b.currency = w.currency
        ORDER BY b.account_id, b.currency
          FOR UPDATE OF b`,
      [list.map((a) => a.id), list.map((a) => a.currency)],
    );
    const locked = new Map<string, LockedBalance>();
    for (const row of rows) {
      const account = accounts.get(row.account_id);
      if (!account) continue;
      const units = (value: string) => Money.of(value, row.currency).minorUnits();
      locked.set(balanceKey(row.account_id, row.currency), {
        account,
        state: {
          postedDebits: units(row.posted_debits),
          postedCredits: units(row.posted_credits),
          pendingDebits: units(row.pending_debits),
          pendingCredits: units(row.pending_credits),
        },
        lineCount: BigInt(row.line_count),
        touched: false,
      });
    }
    return locked;
  }
}
