import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LedgerEntryPostedV1, type LedgerEntryPostedV1Payload } from '@credit/contracts';
import type { OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import type { Account } from '../domain/accounts';
import { type EntryDraft, type ValidatedEntry, validateEntry } from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';
import {
  type LockedBalance,
  type PendingChange,
  type RecordedEntry,
  assertNoConflict,
  atEntry,
  balanceKey,
  lockOrder,
  planPosting,
} from '../domain/posting-plan';
import type { AccountDirectory } from './account-directory';
import type { EntryView } from './journal-reader';
import { invariant } from '@credit/kernel';
import { PostingBatchMax } from '@credit/api';

export type { PendingChange } from '../domain/posting-plan';

/** The event an entry records, for the ledger.entry.posted event's correlation and causation. */
export interface EntryCause {
  readonly correlationId: string;
  readonly causationId: string;
}

export interface PostedEntry {
  readonly id: string;
  readonly idempotencyKey: string;
  /** True when the key was seen before with the same content: the original entry is returned. */
  readonly replayed: boolean;
  /** The entry as written, for a new one (no read-back); null for a replay. */
  readonly view: EntryView | null;
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

interface ExistingRow extends RecordedEntry {
  key: string;
}

/**
 * Posts entries in two statements whatever the batch size, so a transaction is four round trips
 * (BEGIN, lock, write, COMMIT):
 * 1. lock: the balance rows of every involved account locked in one order (house accounts last),
 *    the entries already recorded under the batch's idempotency keys, and the posting time;
 * 2. Node checks replays and payload conflicts, currencies, pending changes and limits (after
 *    every entry) against the locked balances and computes each line's running balance;
 * 3. write: one statement of data-modifying CTEs inserts the entries, their lines, updates the
 *    balances and appends the ledger.entry.posted events to the outbox.
 * The answer is built from what was written, never read back. Sub-accounts are created from
 * their templates on first use (one more statement, once per account). Runs inside the caller's
 * transaction; a thrown error rolls back everything.
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
    /** Per draft (same order): the event it records, when several events post together. */
    causes?: readonly EntryCause[],
  ): Promise<PostedEntry[]> {
    if (drafts.length > PostingBatchMax) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', `at most ${PostingBatchMax} entries per batch`);
    }
    const batch = drafts.length > 1;
    const validated = drafts.map((draft, index) =>
      atEntry(index, batch, () => validateEntry(draft)),
    );
    const keys = validated.map((entry) => entry.idempotencyKey);
    if (new Set(keys).size !== keys.length) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', 'a batch may not repeat an idempotency key');
    }
    if (validated.length === 0 && pending.length === 0) return [];

    const accountIds = [
      ...validated.flatMap((e) => e.lines.map((l) => l.account)),
      ...pending.map((p) => p.account),
    ];
    let accounts: Map<string, Account>;
    try {
      accounts = await this.accounts.resolve(manager, accountIds);
    } catch (error) {
      // A replay with different content answers 409 even when that content names no account.
      if (error instanceof LedgerError && error.code === 'LEDGER.UNKNOWN_ACCOUNT')
        assertNoConflict(validated, await this.existingByKey(manager, keys));
      throw error;
    }

    const { balances, existing, postedAt } = await this.lock(manager, accounts, keys);
    const {
      fresh,
      lines: lineRows,
      touched,
    } = planPosting({ validated, recorded: existing, pending, accounts, balances });
    if (fresh.length === 0 && pending.length === 0) return this.replays(validated, existing);

    const entryIds = fresh.map(() => randomUUID());
    const major = (units: bigint, currency: string) =>
      Money.fromMinorUnits(units, currency).toString();
    const causeOf = new Map(
      (causes ?? []).map((cause, index) => [validated[index]?.idempotencyKey, cause]),
    );
    const events = fresh.map((entry, index) => {
      const payload: LedgerEntryPostedV1Payload = {
        entryId: entryIds[index] ?? '',
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
      };
      const cause = causeOf.get(entry.idempotencyKey);
      return {
        definition: LedgerEntryPostedV1,
        key: payload.entryId,
        payload,
        ...cause,
        // One entry per idempotency key: the key names the announcement, whoever posted it.
        cause: { source: 'entry', id: entry.idempotencyKey },
      };
    });
    // The payloads are built above from validated entries, typed by the contract: no re-parse.
    const outbox = this.outbox.prepareMany(manager, events, true);
    const written = await manager.query<{ id: string; seq: string }[]>(
      `WITH e AS (
         INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description, metadata,
                                      source_event_id, source_event_type, rule, reverses_entry_id, hold_id, actor)
         SELECT id, key, hash, eff, $5::timestamptz, descr, meta, src, srctype, rule, rev, $12::uuid, actor
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $6::text[], $7::jsonb[],
                       $8::uuid[], $9::text[], $10::text[], $11::uuid[], $27::text[])
                AS v(id, key, hash, eff, descr, meta, src, srctype, rule, rev, actor)
         RETURNING id, seq
       ), l AS (
         INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
         SELECT v.entry_id, v.line_no, v.account_id, v.side, v.amount, v.currency, e.seq, $5::timestamptz, v.balance_after
           FROM unnest($13::uuid[], $14::smallint[], $15::text[], $16::text[], $17::numeric[], $18::char(3)[], $19::numeric[])
                AS v(entry_id, line_no, account_id, side, amount, currency, balance_after)
           JOIN e ON e.id = v.entry_id
       ), b AS (
         UPDATE balances b
            SET posted_debits = v.pd, posted_credits = v.pc, pending_debits = v.ped, pending_credits = v.pec,
                line_count = v.lc, updated_at = $5::timestamptz
           FROM unnest($20::text[], $21::char(3)[], $22::numeric[], $23::numeric[], $24::numeric[], $25::numeric[], $26::bigint[])
                AS v(account_id, currency, pd, pc, ped, pec, lc)
          WHERE b.account_id = v.account_id AND b.currency = v.currency
       ), o AS (${outbox.sql(28)})
       SELECT id, seq FROM e`,
      [
        entryIds,
        fresh.map((e) => e.idempotencyKey),
        fresh.map((e) => e.requestHash),
        fresh.map((e) => e.effectiveAt ?? postedAt),
        postedAt,
        fresh.map((e) => e.description),
        fresh.map((e) => JSON.stringify(e.metadata)),
        fresh.map((e) => e.sourceEventId),
        fresh.map((e) => e.sourceEventType),
        fresh.map((e) => e.rule),
        fresh.map((e) => e.reversesEntryId),
        holdId,
        lineRows.map((l) => entryIds[l.entry]),
        lineRows.map((l) => l.lineNo),
        lineRows.map((l) => l.account),
        lineRows.map((l) => l.side),
        lineRows.map((l) => l.amount),
        lineRows.map((l) => l.currency),
        lineRows.map((l) => l.balanceAfter),
        touched.map((b) => b.account.id),
        touched.map((b) => b.account.currency),
        touched.map((b) => major(b.state.postedDebits, b.account.currency)),
        touched.map((b) => major(b.state.postedCredits, b.account.currency)),
        touched.map((b) => major(b.state.pendingDebits, b.account.currency)),
        touched.map((b) => major(b.state.pendingCredits, b.account.currency)),
        touched.map((b) => b.lineCount.toString()),
        fresh.map((e) => e.actor),
        ...outbox.params,
      ],
    );
    const seqOf = new Map(written.map((row) => [row.id, row.seq]));

    const posted = new Map<string, PostedEntry>();
    fresh.forEach((entry, index) => {
      const id = entryIds[index] ?? '';
      posted.set(entry.idempotencyKey, {
        id,
        idempotencyKey: entry.idempotencyKey,
        replayed: false,
        view: {
          id,
          seq: seqOf.get(id) ?? '',
          idempotencyKey: entry.idempotencyKey,
          effectiveAt: entry.effectiveAt ?? postedAt,
          postedAt,
          description: entry.description,
          metadata: entry.metadata,
          sourceEventId: entry.sourceEventId,
          sourceEventType: entry.sourceEventType,
          rule: entry.rule,
          reversesEntryId: entry.reversesEntryId,
          reversedByEntryId: null,
          holdId,
          actor: entry.actor,
          lines: entry.lines.map((line) => ({
            lineNo: line.lineNo,
            account: line.account,
            side: line.side,
            amount: line.amount.toString(),
            currency: line.amount.currency,
          })),
        },
      });
    });
    return validated.map(
      (entry) => posted.get(entry.idempotencyKey) ?? this.replayOf(entry.idempotencyKey, existing),
    );
  }

  private replays(
    validated: readonly ValidatedEntry[],
    existing: Map<string, ExistingRow>,
  ): PostedEntry[] {
    return validated.map((entry) => this.replayOf(entry.idempotencyKey, existing));
  }

  private replayOf(key: string, existing: Map<string, ExistingRow>): PostedEntry {
    const previous = existing.get(key);
    invariant(previous, `entry ${key} neither posted nor found`);
    return { id: previous.id, idempotencyKey: key, replayed: true, view: null };
  }

  private async existingByKey(
    manager: EntityManager,
    keys: readonly string[],
  ): Promise<Map<string, ExistingRow>> {
    const rows = await manager.query<ExistingRow[]>(
      `SELECT idempotency_key AS key, id, request_hash AS hash FROM journal_entries WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    return new Map(rows.map((row) => [row.key, row]));
  }

  /**
   * One statement: locks the balance rows of every involved account in lockOrder, finds the
   * entries already recorded under `keys`, and reads the clock once the locks are held (so one
   * account's lines are in posted_at order).
   */
  private async lock(
    manager: EntityManager,
    accounts: Map<string, Account>,
    keys: readonly string[],
  ): Promise<{
    balances: Map<string, LockedBalance>;
    existing: Map<string, ExistingRow>;
    postedAt: string;
  }> {
    const list = [...accounts.values()].sort(lockOrder);
    const [row] = await manager.query<
      { balances: BalanceRow[]; existing: ExistingRow[]; now: Date }[]
    >(
      `WITH locked AS (
         SELECT b.account_id, b.currency, b.posted_debits::text, b.posted_credits::text,
                b.pending_debits::text, b.pending_credits::text, b.line_count::text
           FROM balances b
           JOIN unnest($1::text[], $2::char(3)[]) WITH ORDINALITY AS w(account_id, currency, ord)
             ON b.account_id = w.account_id AND b.currency = w.currency
          ORDER BY w.ord
            FOR UPDATE OF b
       ), clock AS (
         SELECT clock_timestamp() AS now FROM (SELECT count(*) FROM locked) AS held
       )
       SELECT (SELECT coalesce(json_agg(locked), '[]'::json) FROM locked) AS balances,
              (SELECT coalesce(json_agg(json_build_object('key', idempotency_key, 'id', id, 'hash', request_hash)), '[]'::json)
                 FROM journal_entries WHERE idempotency_key = ANY($3)) AS existing,
              (SELECT now FROM clock) AS now`,
      [list.map((a) => a.id), list.map((a) => a.currency), keys],
    );
    invariant(row, 'the lock statement returned no row');
    const locked = new Map<string, LockedBalance>();
    for (const balance of row.balances) {
      const account = accounts.get(balance.account_id);
      if (!account) continue;
      const units = (value: string) => Money.of(value, balance.currency).minorUnits();
      locked.set(balanceKey(balance.account_id, balance.currency), {
        account,
        state: {
          postedDebits: units(balance.posted_debits),
          postedCredits: units(balance.posted_credits),
          pendingDebits: units(balance.pending_debits),
          pendingCredits: units(balance.pending_credits),
        },
        lineCount: BigInt(balance.line_count),
        touched: false,
      });
    }
    return {
      balances: locked,
      existing: new Map(row.existing.map((entry) => [entry.key, entry])),
      postedAt: new Date(row.now).toISOString(),
    };
  }
}
