import { invariant, replayOrConflict } from '@credit/kernel';
import { Money } from '@credit/money';
import type { Account, Side } from './accounts';
import {
  type BalanceState,
  applyPending,
  applyPosted,
  assertWithinLimits,
  signedPosted,
} from './balances';
import { type ValidatedEntry, assertLinesMatchAccounts } from './journal';
import { LedgerError } from './ledger-error';

/** A change to reserved (pending) amounts, applied under the same locks as the entries. */
export interface PendingChange {
  readonly account: string;
  readonly currency: string;
  readonly side: Side;
  /** Positive reserves, negative releases. Minor units. */
  readonly units: bigint;
}

/** An entry already recorded under an idempotency key: its id and its request hash. */
export interface RecordedEntry {
  readonly id: string;
  readonly hash: string;
}

/** One account's balance row as locked for a posting, updated in place by the plan. */
export interface LockedBalance {
  readonly account: Account;
  readonly state: BalanceState;
  lineCount: bigint;
  touched: boolean;
}

/** One journal line to write, with the account's posted balance after it. */
export interface PlannedLine {
  /** Index of the entry in `PostingPlan.fresh`. */
  readonly entry: number;
  readonly lineNo: number;
  readonly account: string;
  readonly side: Side;
  readonly amount: string;
  readonly currency: string;
  readonly balanceAfter: string;
}

/** What a posting writes: the new entries, their lines, the balances they change. */
export interface PostingPlan {
  /** The entries whose keys are new, in batch order. */
  readonly fresh: readonly ValidatedEntry[];
  readonly lines: readonly PlannedLine[];
  /** Every balance the entries or the pending changes moved (its state is the new one). */
  readonly touched: readonly LockedBalance[];
}

export const balanceKey = (account: string, currency: string) => `${account}|${currency}`;

/**
 * The order balance rows are locked in, the same in every transaction (no deadlocks): accounts
 * with a parent (one loan's, one line's) first, then the house accounts (no parent), which many
 * postings share. A transaction takes a hot house row only once it holds every other lock, so it
 * never sits on it while waiting for a cold one. Ids and currencies compare by code point (ASCII
 * by the accounts table's check), as `COLLATE "C"` does in SQL (rebuild-balances locks alike).
 */
export function lockOrder(a: Account, b: Account): number {
  const hotA = a.parentId === null ? 1 : 0;
  const hotB = b.parentId === null ? 1 : 0;
  if (hotA !== hotB) return hotA - hotB;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
}

/** Prefixes a batch entry's error with its index, so a 4xx names the entry of the batch. */
export function atEntry<T>(index: number, batch: boolean, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof LedgerError && batch) {
      const field = error.details['field'];
      throw new LedgerError(error.code, `entries[${index}]: ${error.message}`, {
        ...error.details,
        ...(typeof field === 'string' ? { field: `entries[${index}].${field}` } : {}),
        entry: index,
      });
    }
    throw error;
  }
}

/** The same key with other content is a 409 (IdempotencyConflict) naming the entry that holds the key. */
export function assertNoConflict(
  validated: readonly ValidatedEntry[],
  recorded: ReadonlyMap<string, RecordedEntry>,
): void {
  for (const entry of validated) {
    const previous = recorded.get(entry.idempotencyKey);
    if (previous) {
      replayOrConflict(
        entry.idempotencyKey,
        { id: previous.id, requestHash: previous.hash },
        entry.requestHash,
        {
          code: 'LEDGER.IDEMPOTENCY_CONFLICT',
          resource: 'an entry with different content',
          details: { entryId: previous.id },
        },
      );
    }
  }
}

/**
 * Plans a posting against the locked balances: the entries not recorded yet, each line with the
 * account's running balance, the pending changes, and the new balances. Refuses (LedgerError) an
 * entry whose lines do not match their accounts, a pending change in another currency, and any
 * account outside its limits after the pending changes and after every entry (a later entry of a
 * batch may not lend an earlier one the room it lacked). Updates `balances` in place.
 */
export function planPosting(input: {
  readonly validated: readonly ValidatedEntry[];
  readonly recorded: ReadonlyMap<string, RecordedEntry>;
  readonly pending: readonly PendingChange[];
  readonly accounts: ReadonlyMap<string, Account>;
  readonly balances: ReadonlyMap<string, LockedBalance>;
}): PostingPlan {
  const { validated, recorded, pending, accounts, balances } = input;
  assertNoConflict(validated, recorded);
  const fresh = validated.filter((entry) => !recorded.has(entry.idempotencyKey));
  if (fresh.length === 0 && pending.length === 0) return { fresh, lines: [], touched: [] };

  const accountOf = (id: string): Account => {
    const account = accounts.get(id);
    if (!account)
      throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `account ${id} does not exist`, {
        account: id,
      });
    return account;
  };
  const batch = validated.length > 1;
  validated.forEach((entry, index) => {
    if (!recorded.has(entry.idempotencyKey))
      atEntry(index, batch, () => assertLinesMatchAccounts(entry, accountOf));
  });
  for (const change of pending) {
    if (accountOf(change.account).currency !== change.currency) {
      throw new LedgerError(
        'LEDGER.CURRENCY_MISMATCH',
        `account ${change.account} is not kept in ${change.currency}`,
      );
    }
  }
  const lockedOf = (account: string, currency: string): LockedBalance => {
    const locked = balances.get(balanceKey(account, currency));
    if (!locked) throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `no balance for ${account}`);
    return locked;
  };

  for (const change of pending) {
    const locked = lockedOf(change.account, change.currency);
    applyPending(locked.state, change.side, change.units);
    invariant(
      locked.state.pendingDebits >= 0n && locked.state.pendingCredits >= 0n,
      `pending amount of ${change.account} below zero`,
    );
    locked.touched = true;
  }
  const withinLimits = (locked: LockedBalance) =>
    assertWithinLimits(locked.account, locked.state, (units) =>
      Money.fromMinorUnits(units, locked.account.currency).toString(),
    );
  for (const change of pending) withinLimits(lockedOf(change.account, change.currency));

  const lines: PlannedLine[] = [];
  fresh.forEach((entry, index) => {
    const touchedByEntry = new Set<LockedBalance>();
    for (const line of entry.lines) {
      const locked = lockedOf(line.account, line.amount.currency);
      applyPosted(locked.state, line.side, line.amount.minorUnits());
      locked.lineCount += 1n;
      locked.touched = true;
      touchedByEntry.add(locked);
      lines.push({
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
    atEntry(index, fresh.length > 1, () => touchedByEntry.forEach(withinLimits));
  });
  return { fresh, lines, touched: [...balances.values()].filter((b) => b.touched) };
}
