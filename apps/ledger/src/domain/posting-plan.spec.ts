import type { Account } from './accounts';
import { zeroBalance } from './balances';
import { draftOf } from './entry-drafts.testing';
import { type LineDraft, validateEntry } from './journal';
import { LedgerError } from './ledger-error';
import { type LockedBalance, balanceKey, lockOrder, planPosting } from './posting-plan';

const account = (id: string, extra: Partial<Account> = {}): Account => ({
  id,
  name: id,
  type: id.startsWith('assets') ? 'asset' : 'liability',
  normalSide: id.startsWith('assets') ? 'debit' : 'credit',
  currency: 'CNY',
  minBalance: null,
  maxBalance: null,
  allowsSubaccounts: false,
  parentId: null,
  ...extra,
});

const cash = account('assets:cash');
/** A customer's line: its drawn balance may not exceed 100.00. */
const line = account('assets:line-drawn:CL-1', {
  maxBalance: 10_000n,
  parentId: 'assets:line-drawn',
});
const payable = account('liabilities:payable');
const accounts = new Map([cash, line, payable].map((a) => [a.id, a]));

const balancesOf = (): Map<string, LockedBalance> =>
  new Map(
    [cash, line, payable].map((a) => [
      balanceKey(a.id, a.currency),
      { account: a, state: zeroBalance(), lineCount: 0n, touched: false },
    ]),
  );

const entry = (key: string, debit: string, credit: string, amount: string) => {
  const lines: LineDraft[] = [
    { account: debit, side: 'debit', amount, currency: 'CNY' },
    { account: credit, side: 'credit', amount, currency: 'CNY' },
  ];
  return validateEntry(draftOf(key, lines, { description: key }));
};

type PlanInput = Parameters<typeof planPosting>[0];
/** A plan with no entries recorded, no pending change, fresh balances unless given. */
const plan = (input: Partial<PlanInput>) =>
  planPosting({
    validated: [],
    recorded: new Map(),
    pending: [],
    accounts,
    balances: balancesOf(),
    ...input,
  });
/** The LedgerError a plan is refused with. */
const refusal = (input: Partial<PlanInput>): LedgerError => {
  let error: unknown;
  try {
    plan(input);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(LedgerError);
  return error as LedgerError;
};

describe('planPosting', () => {
  it('gives each line the running balance of its account and touches only what moved', () => {
    const result = plan({
      validated: [
        entry('e1', line.id, payable.id, '60.00'),
        entry('e2', line.id, payable.id, '30.00'),
      ],
    });
    expect(result.fresh.map((e) => e.idempotencyKey)).toEqual(['e1', 'e2']);
    expect(result.lines.map((l) => [l.entry, l.account, l.balanceAfter])).toEqual([
      [0, line.id, '60.00'],
      [0, payable.id, '-60.00'],
      [1, line.id, '90.00'],
      [1, payable.id, '-90.00'],
    ]);
    expect(result.touched.map((b) => [b.account.id, b.lineCount])).toEqual([
      [line.id, 2n],
      [payable.id, 2n],
    ]);
  });

  it('skips entries already recorded with the same content and refuses other content (409)', () => {
    const e1 = entry('e1', cash.id, payable.id, '10.00');
    const recordedAs = (hash: string) => new Map([['e1', { id: 'entry-1', hash }]]);
    expect(plan({ validated: [e1], recorded: recordedAs(e1.requestHash) })).toEqual({
      fresh: [],
      lines: [],
      touched: [],
    });
    expect(() => plan({ validated: [e1], recorded: recordedAs('another') })).toThrow(
      expect.objectContaining({
        code: 'LEDGER.IDEMPOTENCY_CONFLICT',
        kind: 'conflict',
        details: { entryId: 'entry-1' },
      }),
    );
  });

  it('holds limits after every entry of a batch: a later entry cannot lend an earlier one room', () => {
    const error = refusal({
      validated: [
        entry('over', line.id, payable.id, '120.00'),
        entry('back', payable.id, line.id, '50.00'),
      ],
    });
    expect(error.code).toBe('LEDGER.LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^entries\[0\]: /);
    expect(error.details['entry']).toBe(0);
  });

  it('counts reserved amounts against the limit and refuses a pending change in another currency', () => {
    const balances = balancesOf();
    plan({
      pending: [{ account: line.id, currency: 'CNY', side: 'debit', units: 8_000n }],
      balances,
    });
    expect(balances.get(balanceKey(line.id, 'CNY'))?.state.pendingDebits).toBe(8_000n);
    const over = refusal({ validated: [entry('draw', line.id, payable.id, '30.00')], balances });
    expect(over.code).toBe('LEDGER.LIMIT_EXCEEDED');
    const currency = refusal({
      pending: [{ account: line.id, currency: 'USD', side: 'debit', units: 1n }],
    });
    expect(currency.code).toBe('LEDGER.CURRENCY_MISMATCH');
  });
});

describe('lockOrder', () => {
  it("locks one loan's or line's accounts first and the shared house accounts last", () => {
    const order = [payable, line, cash].sort(lockOrder).map((a) => a.id);
    expect(order).toEqual([line.id, cash.id, payable.id]);
  });
});
