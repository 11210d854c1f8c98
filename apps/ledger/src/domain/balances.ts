import type { Account, Side } from './accounts';
import { LedgerError } from './ledger-error';

/** One account's balance in minor units. Debit-positive signed balance = debits − credits. */
export interface BalanceState {
  postedDebits: bigint;
  postedCredits: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
}

export const zeroBalance = (): BalanceState => ({
  postedDebits: 0n,
  postedCredits: 0n,
  pendingDebits: 0n,
  pendingCredits: 0n,
});

export function signedPosted(balance: BalanceState): bigint {
  return balance.postedDebits - balance.postedCredits;
}

/** The posted balance on the account's normal side (positive when the account is "in use"). */
export function normalPosted(account: Account, balance: BalanceState): bigint {
  const signed = signedPosted(balance);
  return account.normalSide === 'debit' ? signed : -signed;
}

export function applyPosted(balance: BalanceState, side: Side, units: bigint): void {
  if (side === 'debit') balance.postedDebits += units;
  else balance.postedCredits += units;
}

export function applyPending(balance: BalanceState, side: Side, units: bigint): void {
  if (side === 'debit') balance.pendingDebits += units;
  else balance.pendingCredits += units;
}

/**
 * Limits hold against the worst case of what is reserved: pending amounts that would lower the
 * normal balance count against the minimum, those that would raise it against the maximum.
 */
export function assertWithinLimits(
  account: Account,
  balance: BalanceState,
  format: (units: bigint) => string,
): void {
  const posted = normalPosted(account, balance);
  const pendingUp = account.normalSide === 'debit' ? balance.pendingDebits : balance.pendingCredits;
  const pendingDown =
    account.normalSide === 'debit' ? balance.pendingCredits : balance.pendingDebits;
  if (account.minBalance !== null && posted - pendingDown < account.minBalance) {
    throw new LedgerError(
      'LEDGER.INSUFFICIENT_FUNDS',
      `account ${account.id} would fall to ${format(posted - pendingDown)}, below its minimum ${format(account.minBalance)}`,
      { account: account.id },
    );
  }
  if (account.maxBalance !== null && posted + pendingUp > account.maxBalance) {
    throw new LedgerError(
      'LEDGER.LIMIT_EXCEEDED',
      `account ${account.id} would reach ${format(posted + pendingUp)}, above its limit ${format(account.maxBalance)}`,
      { account: account.id },
    );
  }
}
