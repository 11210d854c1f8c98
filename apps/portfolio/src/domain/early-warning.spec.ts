import { Money } from '@credit/money';
import { EarlyWarningRules, type LineFacts, evaluateWarnings } from './early-warning';

const cny = (amount: string) => Money.of(amount, 'CNY');
const facts = (overrides: Partial<LineFacts> = {}): LineFacts => ({
  lineId: 'LINE-1',
  customerId: 'C-1',
  limit: cny('10000.00'),
  outstanding: cny('2000.00'),
  utilizationWindowAgo: '0.2',
  drawsInWindow: 0,
  loans: [{ loanId: 'L-1', daysPastDue: 0, firstInstallmentMissed: false }],
  ...overrides,
});
const fire = (f: LineFacts, inForce: string[] = []) =>
  evaluateWarnings(EarlyWarningRules, f, new Set(inForce)).map((o) => [
    o.ruleId,
    o.action.kind,
    o.newLimit?.toString() ?? null,
  ]);

describe('early-warning rules', () => {
  it('a healthy line fires nothing', () => {
    expect(fire(facts())).toEqual([]);
  });

  it('a loan 30 days past due freezes the line; 29 does not', () => {
    const late = (days: number) =>
      facts({ loans: [{ loanId: 'L-1', daysPastDue: days, firstInstallmentMissed: false }] });
    expect(fire(late(29))).toEqual([]);
    expect(fire(late(30))).toEqual([['dpd-30-freeze', 'freeze', null]]);
  });

  it('a first installment missed puts the line on watch', () => {
    expect(
      fire(facts({ loans: [{ loanId: 'L-1', daysPastDue: 1, firstInstallmentMissed: true }] })),
    ).toEqual([['first-payment-missed-watch', 'watch', null]]);
  });

  it('a utilization surge with several draws lowers the limit, never below what is owed', () => {
    const surge = facts({ outstanding: cny('5000.01'), drawsInWindow: 3 });
    expect(fire(surge)).toEqual([['utilization-surge-lower', 'lower-limit', '8000.00']]);
    // The rise without the draws, or the draws without the rise: nothing.
    expect(fire({ ...surge, drawsInWindow: 2 })).toEqual([]);
    expect(fire({ ...surge, outstanding: cny('4999.99') })).toEqual([]);
    const owed = facts({
      outstanding: cny('9000.00'),
      utilizationWindowAgo: '0.5',
      drawsInWindow: 4,
    });
    expect(fire(owed)).toEqual([['utilization-surge-lower', 'lower-limit', '9000.00']]);
  });

  it('a rule already in force on the line does not fire again', () => {
    const late = facts({
      loans: [{ loanId: 'L-1', daysPastDue: 45, firstInstallmentMissed: true }],
    });
    expect(fire(late, ['dpd-30-freeze'])).toEqual([['first-payment-missed-watch', 'watch', null]]);
  });

  it('every rule has a distinct id and a version', () => {
    expect(new Set(EarlyWarningRules.map((r) => r.id)).size).toBe(EarlyWarningRules.length);
    expect(EarlyWarningRules.every((r) => r.version >= 1)).toBe(true);
  });
});
