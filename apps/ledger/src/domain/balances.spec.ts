import fc from 'fast-check';
import type { Account } from './accounts';
import {
  applyPending,
  applyPosted,
  assertWithinLimits,
  normalPosted,
  signedPosted,
  zeroBalance,
  type BalanceState,
} from './balances';
import { LedgerError } from './ledger-error';

const account = (overrides: Partial<Account> = {}): Account => ({
  id: 'assets:loans:principal:L-1',
  name: 'Loans receivable (principal) L-1',
  type: 'asset',
  normalSide: 'debit',
  currency: 'CNY',
  minBalance: 0n,
  maxBalance: null,
  allowsSubaccounts: false,
  parentId: 'assets:loans:principal',
  ...overrides,
});

const loan = account();
const merchantPayable = account({
  id: 'liabilities:merchant-payable:M-1',
  type: 'liability',
  normalSide: 'credit',
});
const creditLine = account({ id: 'assets:credit-line-drawn:C-1', maxBalance: 100_000n });
const bank = account({ id: 'assets:bank:settlement', minBalance: null, parentId: null });

const state = (s: Partial<BalanceState>): BalanceState => ({ ...zeroBalance(), ...s });
const format = (units: bigint) => `<${units}>`;

function limitErrorOf(a: Account, b: BalanceState): LedgerError | undefined {
  try {
    assertWithinLimits(a, b, format);
    return undefined;
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
}

describe('balance arithmetic', () => {
  it('accumulates posted and pending amounts per side, in minor units', () => {
    const b = zeroBalance();
    applyPosted(b, 'debit', 1000n);
    applyPosted(b, 'credit', 250n);
    applyPending(b, 'credit', 300n);
    applyPending(b, 'credit', -100n);
    applyPending(b, 'debit', 7n);
    expect(b).toEqual({
      postedDebits: 1000n,
      postedCredits: 250n,
      pendingDebits: 7n,
      pendingCredits: 200n,
    });
    expect(signedPosted(b)).toBe(750n);
  });

  it('reads the normal balance on the account normal side', () => {
    const b = state({ postedDebits: 100n, postedCredits: 350n });
    expect(signedPosted(b)).toBe(-250n);
    expect(normalPosted(loan, b)).toBe(-250n);
    expect(normalPosted(merchantPayable, b)).toBe(250n);
  });

  it('hands out a fresh zero state each time', () => {
    const a = zeroBalance();
    applyPosted(a, 'debit', 1n);
    expect(zeroBalance().postedDebits).toBe(0n);
  });
});

describe('assertWithinLimits', () => {
  describe('minimum balance (must not go below zero)', () => {
    it('allows a loan paid down exactly to zero', () => {
      expect(limitErrorOf(loan, state({ postedDebits: 100_000n, postedCredits: 100_000n }))).toBe(
        undefined,
      );
    });

    it('rejects a loan repaid one fen more than lent as LEDGER.INSUFFICIENT_FUNDS', () => {
      const error = limitErrorOf(loan, state({ postedDebits: 100_000n, postedCredits: 100_001n }));
      expect(error?.code).toBe('LEDGER.INSUFFICIENT_FUNDS');
      expect(error?.kind).toBe('rejected');
      expect(error?.retriable).toBe(false);
      expect(error?.details).toEqual({ account: loan.id });
      expect(error?.message).toBe(
        'account assets:loans:principal:L-1 would fall to <-1>, below its minimum <0>',
      );
    });

    it('counts a pending credit against the minimum (worst case: the hold posts)', () => {
      expect(limitErrorOf(loan, state({ postedDebits: 500n, pendingCredits: 500n }))).toBe(
        undefined,
      );
      expect(limitErrorOf(loan, state({ postedDebits: 500n, pendingCredits: 501n }))?.code).toBe(
        'LEDGER.INSUFFICIENT_FUNDS',
      );
    });

    it('does not let a pending debit lift the minimum (worst case: the hold is voided)', () => {
      const error = limitErrorOf(
        loan,
        state({ postedDebits: 0n, postedCredits: 10n, pendingDebits: 1_000n }),
      );
      expect(error?.code).toBe('LEDGER.INSUFFICIENT_FUNDS');
    });

    it('applies to a credit-normal account through its debits', () => {
      expect(
        limitErrorOf(merchantPayable, state({ postedCredits: 975n, pendingDebits: 975n })),
      ).toBe(undefined);
      expect(
        limitErrorOf(merchantPayable, state({ postedCredits: 975n, pendingDebits: 976n }))?.code,
      ).toBe('LEDGER.INSUFFICIENT_FUNDS');
      expect(
        limitErrorOf(merchantPayable, state({ postedCredits: 975n, postedDebits: 976n }))?.code,
      ).toBe('LEDGER.INSUFFICIENT_FUNDS');
    });

    it('honours a negative minimum (an overdraft allowance)', () => {
      const overdraft = account({ minBalance: -500n });
      expect(limitErrorOf(overdraft, state({ postedCredits: 500n }))).toBe(undefined);
      expect(
        limitErrorOf(overdraft, state({ postedCredits: 500n, pendingCredits: 1n }))?.code,
      ).toBe('LEDGER.INSUFFICIENT_FUNDS');
    });
  });

  describe('maximum balance (a credit limit)', () => {
    it('allows drawing up to the limit, counting what is reserved', () => {
      expect(
        limitErrorOf(creditLine, state({ postedDebits: 80_000n, pendingDebits: 20_000n })),
      ).toBe(undefined);
    });

    it('rejects one fen beyond the limit as LEDGER.LIMIT_EXCEEDED', () => {
      const error = limitErrorOf(
        creditLine,
        state({ postedDebits: 80_000n, pendingDebits: 20_001n }),
      );
      expect(error?.code).toBe('LEDGER.LIMIT_EXCEEDED');
      expect(error?.message).toBe(
        'account assets:credit-line-drawn:C-1 would reach <100001>, above its limit <100000>',
      );
    });

    it('does not let a pending credit make room under the limit', () => {
      expect(
        limitErrorOf(
          creditLine,
          state({ postedDebits: 100_000n, pendingDebits: 1n, pendingCredits: 50_000n }),
        )?.code,
      ).toBe('LEDGER.LIMIT_EXCEEDED');
    });

    it('checks the minimum before the maximum when both are breached', () => {
      const tight = account({ minBalance: 0n, maxBalance: 10n });
      expect(
        limitErrorOf(tight, state({ postedDebits: 5n, pendingDebits: 10n, pendingCredits: 10n }))
          ?.code,
      ).toBe('LEDGER.INSUFFICIENT_FUNDS');
    });
  });

  it('never rejects an account without limits', () => {
    expect(
      limitErrorOf(bank, state({ postedCredits: 10n ** 20n, pendingCredits: 10n ** 20n })),
    ).toBe(undefined);
    expect(limitErrorOf(bank, state({ postedDebits: 10n ** 20n, pendingDebits: 10n ** 20n }))).toBe(
      undefined,
    );
  });

  it('property: rejects exactly when some way of resolving the pending amounts breaches a limit', () => {
    const units = fc.bigInt({ min: 0n, max: 10_000n });
    const limit = fc.option(fc.bigInt({ min: -5_000n, max: 15_000n }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          postedDebits: units,
          postedCredits: units,
          pendingDebits: units,
          pendingCredits: units,
        }),
        fc.constantFrom<'debit' | 'credit'>('debit', 'credit'),
        limit,
        limit,
        (balance, normalSide, minBalance, maxBalance) => {
          const a = account({ normalSide, minBalance, maxBalance });
          // Every pending amount may post or be released: the four corners bound what can happen.
          const outcomes = [0n, 1n].flatMap((postDebits) =>
            [0n, 1n].map((postCredits) => {
              const signed =
                balance.postedDebits +
                postDebits * balance.pendingDebits -
                balance.postedCredits -
                postCredits * balance.pendingCredits;
              return normalSide === 'debit' ? signed : -signed;
            }),
          );
          const lowest = outcomes.reduce((m, v) => (v < m ? v : m));
          const highest = outcomes.reduce((m, v) => (v > m ? v : m));
          const expected =
            minBalance !== null && lowest < minBalance
              ? 'LEDGER.INSUFFICIENT_FUNDS'
              : maxBalance !== null && highest > maxBalance
                ? 'LEDGER.LIMIT_EXCEEDED'
                : undefined;
          expect(limitErrorOf(a, { ...balance })?.code).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
