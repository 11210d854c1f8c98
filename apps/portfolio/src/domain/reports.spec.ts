import { Money } from '@credit/money';
import { concentration, concentrationCsv } from './concentration';
import { delinquencyCsv, delinquencyRates } from './delinquency';
import type { LoanPosition } from './position';
import { monthsBetween, stateOf } from './position';
import { rollRateCounts, rollRateCsv, rollRateMatrix } from './roll-rates';
import { type VintageLoan, vintageCsv, vintageCurves } from './vintage';

const cny = (amount: string) => Money.of(amount, 'CNY');
const position = (
  loanId: string,
  outstanding: string,
  daysPastDue: number,
  status: LoanPosition['status'] = 'active',
): LoanPosition => ({
  loanId,
  product: 'cash-loan',
  scoreBand: 'B',
  originationMonth: '2026-01',
  outstanding: cny(outstanding),
  daysPastDue,
  status,
});

describe('loan states', () => {
  it('is the delinquency bucket while active, else how the loan ended', () => {
    expect(stateOf(position('L', '1.00', 0))).toBe('current');
    expect(stateOf(position('L', '1.00', 30))).toBe('1-30');
    expect(stateOf(position('L', '1.00', 31))).toBe('31-60');
    expect(stateOf(position('L', '1.00', 91))).toBe('90+');
    expect(stateOf(position('L', '0.00', 0, 'paid-off'))).toBe('paid-off');
    expect(stateOf(position('L', '0.00', 120, 'charged-off'))).toBe('charged-off');
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
  });
});

describe('delinquency rates', () => {
  it('by count and by balance past 0, 30 and 90 days, over active loans only', () => {
    const report = delinquencyRates('2026-03-31', 'CNY', [
      position('L1', '600.00', 0),
      position('L2', '200.00', 5),
      position('L3', '100.00', 30), // 1-30: past due, not 30+
      position('L4', '100.00', 45),
      position('L5', '0.00', 200, 'charged-off'),
    ]);
    expect(report).toEqual({
      asOf: '2026-03-31',
      currency: 'CNY',
      loans: 4,
      outstanding: '1000.00',
      rates: {
        '1+': { loans: 3, outstanding: '400.00', byCount: '0.750000', byBalance: '0.400000' },
        '30+': { loans: 1, outstanding: '100.00', byCount: '0.250000', byBalance: '0.100000' },
        '90+': { loans: 0, outstanding: '0.00', byCount: '0.000000', byBalance: '0.000000' },
      },
    });
    expect(delinquencyCsv(report).split('\n')).toEqual([
      'as_of,currency,threshold,loans_past,loans,by_count,outstanding_past,outstanding,by_balance',
      '2026-03-31,CNY,1+,3,4,0.750000,400.00,1000.00,0.400000',
      '2026-03-31,CNY,30+,1,4,0.250000,100.00,1000.00,0.100000',
      '2026-03-31,CNY,90+,0,4,0.000000,0.00,1000.00,0.000000',
      '',
    ]);
  });

  it('reports zero rates, not NaN, for an empty book', () => {
    expect(delinquencyRates('2026-03-31', 'CNY', []).rates['1+']).toEqual({
      loans: 0,
      outstanding: '0.00',
      byCount: '0.000000',
      byBalance: '0.000000',
    });
  });
});

describe('roll rates', () => {
  it('moves each loan active at the first month end to its state at the second', () => {
    const first = [
      position('L1', '300.00', 0),
      position('L2', '100.00', 0),
      position('L3', '200.00', 10),
      position('L4', '50.00', 40),
    ];
    const second = [
      position('L1', '250.00', 0),
      position('L2', '90.00', 12),
      position('L3', '0.00', 0, 'paid-off'),
      position('L4', '50.00', 70),
      position('L9', '500.00', 0), // opened in between: not in the matrix
    ];
    const rows = rollRateMatrix('CNY', rollRateCounts('CNY', first, second));
    const current = rows.find((r) => r.from === 'current');
    expect(current).toMatchObject({ loans: 2, balance: '400.00' });
    expect(current?.to.current).toMatchObject({
      loans: 1,
      byCount: '0.500000',
      byBalance: '0.750000',
    });
    expect(current?.to['1-30']).toMatchObject({
      loans: 1,
      byCount: '0.500000',
      byBalance: '0.250000',
    });
    expect(rows.find((r) => r.from === '1-30')?.to['paid-off']).toMatchObject({
      loans: 1,
      byCount: '1.000000',
    });
    expect(rows.find((r) => r.from === '31-60')?.to['61-90']).toMatchObject({
      loans: 1,
      balance: '50.00',
    });
    expect(rows.find((r) => r.from === '90+')).toMatchObject({ loans: 0, balance: '0.00' });
    const csv = rollRateCsv('2026-03', '2026-04', rows).split('\n');
    expect(csv[0]).toBe(
      'from_month,to_month,from_state,to_state,loans,balance,by_count,by_balance',
    );
    expect(csv).toContain('2026-03,2026-04,current,1-30,1,100.00,0.500000,0.250000');
    expect(csv).toHaveLength(1 + 5 * 7 + 1);
  });

  it('refuses positions that lose a loan between the two month ends', () => {
    expect(() => rollRateCounts('CNY', [position('L1', '1.00', 0)], [])).toThrow('L1');
  });
});

describe('vintage curves', () => {
  const loan = (
    loanId: string,
    originationMonth: string,
    principal: string,
    first30PlusMonth: string | null,
    chargedOff: [string, string] | null = null,
  ): VintageLoan => ({
    loanId,
    originationMonth,
    principal: cny(principal),
    first30PlusMonth,
    chargedOffMonth: chargedOff?.[0] ?? null,
    chargedOff: chargedOff ? cny(chargedOff[1]) : null,
  });

  it('accumulates 30+ and charge-offs by months on book, one curve per origination month', () => {
    const curves = vintageCurves('CNY', '2026-04', [
      loan('L1', '2026-01', '1000.00', '2026-02', ['2026-04', '800.00']),
      loan('L2', '2026-01', '3000.00', null),
      loan('L3', '2026-03', '500.00', '2026-04'),
      loan('L4', '2026-05', '500.00', null), // after the as-of month: no curve
    ]);
    expect(curves.map((c) => [c.originationMonth, c.loans, c.principal])).toEqual([
      ['2026-01', 2, '4000.00'],
      ['2026-03', 1, '500.00'],
    ]);
    expect(
      curves[0]?.points.map((p) => [
        p.monthsOnBook,
        p.ever30PlusByCount,
        p.ever30PlusByBalance,
        p.chargeOffRate,
      ]),
    ).toEqual([
      [0, '0.000000', '0.000000', '0.000000'],
      [1, '0.500000', '0.250000', '0.000000'],
      [2, '0.500000', '0.250000', '0.000000'],
      [3, '0.500000', '0.250000', '0.200000'],
    ]);
    expect(curves[1]?.points.map((p) => p.ever30PlusByCount)).toEqual(['0.000000', '1.000000']);
    expect(vintageCsv('CNY', curves).split('\n').slice(0, 2)).toEqual([
      'currency,origination_month,loans,principal,months_on_book,ever_30_plus_by_count,ever_30_plus_by_balance,charge_off_rate',
      'CNY,2026-01,2,4000.00,0,0.000000,0.000000,0.000000',
    ]);
  });
});

describe('concentration', () => {
  it('groups the active book by product and by score band, with shares of its outstanding', () => {
    const report = concentration('2026-03-31', 'CNY', [
      { product: 'cash-loan', scoreBand: 'A', loans: 2, outstanding: cny('600.00') },
      { product: 'cash-loan', scoreBand: 'B', loans: 1, outstanding: cny('100.00') },
      { product: 'installment-purchase', scoreBand: 'A', loans: 3, outstanding: cny('300.00') },
    ]);
    expect(report).toMatchObject({ loans: 6, outstanding: '1000.00' });
    expect(report.byProduct).toEqual([
      { key: 'cash-loan', loans: 3, outstanding: '700.00', share: '0.700000' },
      { key: 'installment-purchase', loans: 3, outstanding: '300.00', share: '0.300000' },
    ]);
    expect(report.byScoreBand).toEqual([
      { key: 'A', loans: 5, outstanding: '900.00', share: '0.900000' },
      { key: 'B', loans: 1, outstanding: '100.00', share: '0.100000' },
    ]);
    expect(concentrationCsv(report).split('\n')[3]).toBe(
      '2026-03-31,CNY,score_band,A,5,900.00,0.900000',
    );
    expect(concentration('2026-03-31', 'CNY', [])).toMatchObject({ loans: 0, byProduct: [] });
  });
});
