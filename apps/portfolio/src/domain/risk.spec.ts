import { Money, MoneyDecimal } from '@credit/money';
import {
  DefaultStaging,
  estimatePd,
  monthEndProvision,
  pdKey,
  pdOver,
  provisionFor,
  stageOf,
} from './provisions';
import { approvalRateGap, modelStability, populationStability } from './stability';
import { Scenarios, projectStress } from './stress';

const cny = (amount: string) => Money.of(amount, 'CNY');

describe('staging', () => {
  it('stage 1 current, 2 past due, 3 from 91 days, thresholds configurable', () => {
    expect([0, 1, 90, 91].map((dpd) => stageOf(dpd, DefaultStaging))).toEqual([1, 2, 2, 3]);
    expect(stageOf(10, { stage2DaysPastDue: 31, stage3DaysPastDue: 91 })).toBe(1);
  });
});

describe('PD estimation', () => {
  it('is the prior with no history and follows the data as history grows', () => {
    const prior = { pd12m: { 1: '0.03', 2: '0.30' } as const, weight: 50 };
    const none = estimatePd([], prior, ['A']);
    expect(none.get(pdKey(1, 'A'))).toBe('0.03');
    expect(none.get(pdKey(2, 'A'))).toBe('0.3');
    expect(none.get(pdKey(3, 'A'))).toBe('1');
    // (10 + 50 × 0.03) / (150 + 50) = 11.5 / 200
    const some = estimatePd([{ stage: 1, scoreBand: 'A', loans: 150, defaulted: 10 }], prior, [
      'A',
    ]);
    expect(some.get(pdKey(1, 'A'))).toBe('0.0575');
  });

  it('spreads a 12-month PD over a horizon at a constant hazard', () => {
    expect(pdOver('0.19', 6).toString()).toBe('0.1');
    expect(pdOver('0.3', 12).toString()).toBe('0.3');
  });
});

describe('expected credit loss', () => {
  const pd = new Map([
    [pdKey(1, 'B'), '0.19'],
    [pdKey(2, 'B'), '0.51'],
    [pdKey(3, 'B'), '1'],
  ]);
  const parameters = { staging: DefaultStaging, pd, lgd: '0.5' };

  it('exposure × PD over the horizon × LGD, to the fen, half-even', () => {
    const loan = { loanId: 'L1', scoreBand: 'B', exposure: cny('1000.00'), remainingMonths: 6 };
    // stage 1: 6 months of a 0.19 year = 0.1; 1000 × 0.1 × 0.5
    expect(provisionFor({ ...loan, daysPastDue: 0 }, parameters)).toMatchObject({
      stage: 1,
      pd: '0.1',
      ecl: cny('50.00'),
    });
    // stage 2, 6 months left: 1 − 0.49^0.5 = 0.3
    expect(provisionFor({ ...loan, daysPastDue: 5 }, parameters)).toMatchObject({
      stage: 2,
      pd: '0.3',
      ecl: cny('150.00'),
    });
    expect(provisionFor({ ...loan, daysPastDue: 95 }, parameters)).toMatchObject({
      stage: 3,
      pd: '1',
      ecl: cny('500.00'),
    });
    // a 24-month stage 1 loan still uses 12 months
    expect(provisionFor({ ...loan, daysPastDue: 0, remainingMonths: 24 }, parameters).pd).toBe(
      '0.19',
    );
  });

  it('the allowance is the sum of the loans, and the charge what the books lack', () => {
    const loans = [
      {
        loanId: 'L1',
        scoreBand: 'B',
        exposure: cny('1000.00'),
        remainingMonths: 6,
        daysPastDue: 0,
      },
      { loanId: 'L2', scoreBand: 'B', exposure: cny('333.33'), remainingMonths: 6, daysPastDue: 0 },
      {
        loanId: 'L3',
        scoreBand: 'B',
        exposure: cny('200.00'),
        remainingMonths: 3,
        daysPastDue: 100,
      },
    ];
    const result = monthEndProvision('CNY', loans, parameters, cny('120.00'));
    // 50.00 + 16.6665 → 16.67 (half-even to the fen) + 100.00
    expect(result.loans.map((l) => l.ecl.toString())).toEqual(['50.00', '16.67', '100.00']);
    expect(result.allowance).toEqual(cny('166.67'));
    expect(result.charge).toEqual(cny('46.67'));
    expect(result.byStage[1]).toEqual({
      loans: 2,
      exposure: cny('1333.33'),
      allowance: cny('66.67'),
    });
    expect(result.byStage[3].loans).toBe(1);
    expect(monthEndProvision('CNY', loans, parameters, cny('200.00')).charge).toEqual(
      cny('-33.33'),
    );
  });
});

describe('population stability', () => {
  it('reads the index of counts per bin', () => {
    const same = populationStability([25, 50, 25], [50, 100, 50]);
    expect(same).toMatchObject({ index: '0.000000', reading: 'stable' });
    // (0.5 − 0.25) ln 2 + (0.25 − 0.5) ln 0.5 = 0.5 ln 2
    const shifted = populationStability([25, 50, 25], [50, 25, 25]);
    expect(shifted.index).toBe(new MoneyDecimal(2).ln().times('0.5').toDecimalPlaces(6).toString());
    expect(shifted.reading).toBe('shifted');
    expect(populationStability([10, 0], [10, 0]).index).toBe('0.000000');
  });

  it("labels a model's bins by their scores and keeps both populations' counts", () => {
    const model = { modelVersion: 'scorecard-v1', population: 'training', edges: [500, 550] };
    const report = modelStability({ ...model, counts: [25, 50, 25] }, [1, 1, 2], {
      from: '2026-05-01',
      to: '2026-05-31',
    });
    expect(report).toMatchObject({
      reference: { population: 'training', scores: 100 },
      liveScores: 4,
      reading: 'shifted',
      scoreBins: [
        { from: null, below: 500, expected: 25, actual: 1 },
        { from: 500, below: 550, expected: 50, actual: 1 },
        { from: 550, below: null, expected: 25, actual: 2 },
      ],
    });
    expect(report.index).toBe(populationStability([25, 50, 25], [1, 1, 2]).index);
  });

  it('the approval-rate gap between groups of live decisions', () => {
    const gap = approvalRateGap([
      { group: 'a', approved: true },
      { group: 'a', approved: false },
      { group: 'b', approved: true },
      { group: 'b', approved: true },
      { group: 'b', approved: true },
      { group: 'b', approved: false },
    ]);
    expect(gap.groups).toEqual({
      a: { decisions: 2, approved: 1, approvalRate: '0.500000' },
      b: { decisions: 4, approved: 3, approvalRate: '0.750000' },
    });
    expect(gap.maxGap).toBe('0.250000');
  });
});

describe('stress projection', () => {
  const start = {
    currency: 'CNY',
    stage1: cny('1000000.00'),
    stage2: cny('50000.00'),
    capital: cny('250000.00'),
    pd12m: { 1: '0.04', 2: '0.35' } as const,
    lgd: '0.7',
    monthlyRollRate: '0.01',
    monthlyRepaymentRate: '0.05',
    annualYield: '0.18',
  };
  const limits = { capitalRatioMin: '0.15', leverageMax: '5' };

  it('the worse the scenario the more it loses, and only the severe one breaches', () => {
    const [baseline, adverse, severe] = Scenarios.map((s) => projectStress(start, s, limits));
    const lost = (r: typeof baseline) =>
      r?.months.reduce((sum, m) => sum.plus(m.losses), new MoneyDecimal(0)) ?? new MoneyDecimal(0);
    expect(lost(adverse).greaterThan(lost(baseline))).toBe(true);
    expect(lost(severe).greaterThan(lost(adverse))).toBe(true);
    expect(baseline?.months).toHaveLength(12);
    expect(baseline?.firstBreach).toEqual({ capitalRatio: null, leverage: null });
    expect(severe?.months.at(-1)?.capital).not.toBe(baseline?.months.at(-1)?.capital);
  });

  it('names the month a limit is first breached', () => {
    const thin = projectStress({ ...start, capital: cny('160000.00') }, Scenarios[2]!, limits);
    expect(thin.firstBreach.capitalRatio).not.toBeNull();
    const month = thin.firstBreach.capitalRatio ?? 0;
    expect(thin.months[month - 1]?.breaches).toContain('capital-ratio');
    expect(
      thin.months.slice(0, month - 1).every((m) => !m.breaches.includes('capital-ratio')),
    ).toBe(true);
  });
});
