import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CashLoanRepaymentMethod, CreditProfile } from '@credit/contracts';
import { Money } from '@credit/money';
import { loadScorecard } from '@credit/scorecard';
import type { CreditRequest, CustomerHistory, Requested } from './credit-request';
import { decide } from './decide';
import { type PolicyLimits, estimatedMonthlyInstallment } from './rules';
import { weakened } from './profiles.testing';
import { ScoreBands, bandFor, scoreBandProblems } from './score-bands';
import { cashLoanPricing, scoringPolicyLimits, strongProfile } from '@credit/testing';

const card = loadScorecard(
  JSON.parse(readFileSync(path.join(__dirname, '..', 'model', 'scorecard-v1.json'), 'utf8')),
);
const cny = (amount: string) => Money.of(amount, 'CNY');
const limits: PolicyLimits = scoringPolicyLimits;

const weakProfile = weakened(strongProfile);

const line = (limit: string): Requested => ({ kind: 'credit-line', requestedLimit: cny(limit) });
const cashDraw = (
  amount: string,
  periods = 6,
  repaymentMethod: CashLoanRepaymentMethod = 'daily-interest',
): Requested => ({
  kind: 'draw',
  lineId: 'CL-1',
  product: 'cash-loan',
  amount: cny(amount),
  periods,
  merchantId: null,
  feePayer: null,
  repaymentMethod,
});
const purchase = (
  amount: string,
  periods: number,
  feePayer: 'buyer' | 'merchant' | null = null,
): Requested => ({
  kind: 'draw',
  lineId: 'CL-1',
  product: 'installment-purchase',
  amount: cny(amount),
  periods,
  merchantId: 'M-1',
  feePayer,
  repaymentMethod: null,
});

function request(
  requested: Requested,
  overrides: Partial<CreditRequest['applicant']> = {},
): CreditRequest {
  return {
    applicant: {
      age: 40,
      monthlyIncome: cny('10000.00'),
      monthlyDebtPayments: cny('500.00'),
      profile: strongProfile,
      ...overrides,
    },
    requested,
  };
}

const noHistory: CustomerHistory = {
  applicationsToday: 0,
  approvedLineLimits: cny('0'),
  line: null,
};
/** The decision on `requested` for the strong applicant (or `overrides`) with `history`. */
const decideFor = (
  requested: Requested,
  history: CustomerHistory | null = noHistory,
  overrides: Partial<CreditRequest['applicant']> = {},
) => decide(card, request(requested, overrides), history, limits);
const withLine = (limit: string, outstanding: string, inFlight = '0.00'): CustomerHistory => ({
  ...noHistory,
  line: {
    limit: cny(limit),
    principalOutstanding: cny(outstanding),
    drawsInFlight: cny(inFlight),
  },
});
const codes = (reasons: readonly { code: string }[]) => reasons.map((r) => r.code);

describe('scoring decisions', () => {
  describe('score bands', () => {
    it('fit the artifact: refer within 10 points of its cutoff, decline below', () => {
      expect(card.fairness.cutoffScore).toBe(496);
      expect(scoreBandProblems(card.fairness.cutoffScore)).toEqual([]);
      expect(bandFor(560).tier).toBe('A');
      expect(bandFor(559).tier).toBe('B');
      expect(bandFor(520).tier).toBe('B');
      expect(bandFor(506).tier).toBe('C');
      expect(bandFor(505).outcome).toBe('refer');
      expect(bandFor(496).outcome).toBe('refer');
      expect(bandFor(486).outcome).toBe('refer');
      expect(bandFor(485).outcome).toBe('decline');
      expect(bandFor(-1000).outcome).toBe('decline');
    });

    it('report a table that does not straddle another cutoff', () => {
      expect(scoreBandProblems(520)).toHaveLength(2);
      expect(ScoreBands.at(-1)?.minScore).toBeNull();
    });
  });

  describe('checking-below-zero-and-delayed-history-are-the-top-reasons', () => {
    it('reports CHECKING_STATUS then CREDIT_HISTORY, ranked by points lost', () => {
      const profile: CreditProfile = {
        ...strongProfile,
        checkingStatus: '<0',
        creditHistory: 'delayed previously',
      };
      // A short, small draw: duration and amount sit in their best bins and cost nothing.
      const result = decideFor(cashDraw('3000.00'), withLine('20000.00', '0.00'), { profile });
      expect(codes(result.reasons)).toEqual(['CHECKING_STATUS', 'CREDIT_HISTORY']);
      expect(result.reasons[0]?.text).toBe('Status of the existing checking account');
      const checking = result.pointsByAttribute.find((p) => p.field === 'checkingStatus');
      expect(checking).toMatchObject({ bin: '<0', points: 29, maxPoints: 74 });
    });

    it('keeps at most four reasons, the costliest first', () => {
      const result = decideFor(line('20000.00'), null, { profile: weakProfile });
      expect(result.reasons).toHaveLength(4);
      expect(result.reasons[0]?.code).toBe('CHECKING_STATUS');
    });
  });

  describe('good-applicant-credit-line-approved-tier-A', () => {
    it('grants min(requested, 5 × income, 50,000) at tier A', () => {
      const small = decideFor(line('20000.00'));
      expect(small).toMatchObject({ decision: 'approved', band: 'approve', priceTier: 'A' });
      expect(small.score).toBeGreaterThanOrEqual(560);
      expect(small.rulesFired).toEqual([]);
      expect(small.creditLine?.limit.toJSON()).toEqual({ amount: '20000.00', currency: 'CNY' });
      expect(small.creditLine?.priceTier).toBe('A');
      expect(small.draw).toBeNull();

      const rich = request(line('90000.00'), { monthlyIncome: cny('30000.00') });
      expect(decide(card, rich, noHistory, limits).creditLine?.limit.toString()).toBe('50000.00');

      // Affordable with no other debt, but above 5 × income: the tier's income multiple binds.
      const modest = request(line('35400.00'), {
        monthlyIncome: cny('7000.00'),
        monthlyDebtPayments: cny('0.00'),
      });
      expect(decide(card, modest, noHistory, limits).creditLine?.limit.toString()).toBe('35000.00');
    });
  });

  describe('draws-priced-by-tier-and-plan', () => {
    it('prices a cash loan with the tier daily rate, ACT/365 and the penalty rate', () => {
      const result = decideFor(cashDraw('3000.00', 6), withLine('20000.00', '5000.00'));
      expect(result.decision).toBe('approved');
      expect(result.draw).toEqual({
        pricing: cashLoanPricing(6, '0.0003'),
        merchantFee: null,
      });
    });

    /** Band A (the strong profile, 600+), B (about 548) and C (about 518) applicants. */
    const bandB: CreditProfile = {
      ...strongProfile,
      checkingStatus: '0<=X<200',
      savingsStatus: '<100',
      purpose: 'new car',
    };
    const bandC: CreditProfile = {
      ...bandB,
      checkingStatus: '<0',
      propertyMagnitude: 'no known property',
      housing: 'rent',
    };
    it.each([
      ['A', strongProfile, '0.0003', '0.108'],
      ['B', bandB, '0.0004', '0.144'],
      ['C', bandC, '0.0005', '0.18'],
    ] as const)(
      'cash-loan products priced by score band %s: daily %s, annual %s',
      (tier, profile, dailyRate, annualRate) => {
        const priced = (method: CashLoanRepaymentMethod) =>
          decideFor(cashDraw('3000.00', 6, method), withLine('20000.00', '0.00'), { profile });
        const daily = priced('daily-interest');
        expect([daily.decision, daily.priceTier]).toEqual(['approved', tier]);
        expect(daily.draw?.pricing).toMatchObject({
          method: 'daily-interest',
          dailyRate,
          annualRate: null,
          dayCount: 'ACT/365',
        });
        for (const method of ['equal-installment', 'equal-principal'] as const) {
          const result = priced(method);
          expect([result.decision, result.priceTier]).toEqual(['approved', tier]);
          expect(result.draw).toEqual({
            pricing: {
              method,
              periods: 6,
              annualRate,
              dailyRate: null,
              feeRate: null,
              feePayer: null,
              dayCount: '30/360',
              penaltyDailyRate: '0.0005',
            },
            merchantFee: null,
          });
        }
      },
    );

    it.each([
      [3, '0.025', '25.00'],
      [6, '0.045', '45.00'],
      [12, '0.088', '88.00'],
    ])(
      'installment-purchase-%i-periods: flat fee %s, merchant pays %s',
      (periods, feeRate, fee) => {
        const merchantPaid = decideFor(
          purchase('1000.00', periods, 'merchant'),
          withLine('20000.00', '0.00'),
        );
        expect(merchantPaid.draw?.pricing).toMatchObject({
          method: 'flat-fee',
          feeRate,
          feePayer: 'merchant',
        });
        expect(merchantPaid.draw?.merchantFee?.toString()).toBe(fee);
        const buyerPaid = decideFor(purchase('1000.00', periods), withLine('20000.00', '0.00'));
        expect(buyerPaid.draw?.pricing.feePayer).toBe('buyer');
        expect(buyerPaid.draw?.merchantFee).toBeNull();
      },
    );

    it('unsupported-plan-periods: an installment purchase over 4 periods is declined', () => {
      const result = decideFor(purchase('1000.00', 4), withLine('20000.00', '0.00'));
      expect(result.decision).toBe('declined');
      expect(result.rulesFired.map((h) => h.code)).toEqual(['UNSUPPORTED_TERMS']);
    });
  });

  describe('rule declines win whatever the score', () => {
    it('over-limit-exposure: existing line limits plus the request above 10 × income', () => {
      const history = { ...noHistory, approvedLineLimits: cny('90000.00') };
      const result = decideFor(line('20000.00'), history);
      expect(result.band).toBe('approve');
      expect(result.decision).toBe('declined');
      expect(result.rulesFired).toEqual([
        {
          code: 'EXPOSURE_CAP',
          detail: 'approved limits 90000.00 + requested 20000.00 exceed 10 × income = 100000.00',
        },
      ]);
      expect(result.reasons[0]).toEqual({
        code: 'EXPOSURE_CAP',
        text: 'The request exceeds the credit we can extend',
      });
      expect(result.creditLine).toBeNull();
      // Exactly at the cap is still allowed.
      expect(decideFor(line('10000.00'), history).decision).toBe('approved');
    });

    it('draw-over-available-limit: a draw above limit − principal outstanding − draws in flight', () => {
      const result = decideFor(cashDraw('3000.00'), withLine('10000.00', '5000.00', '3000.00'));
      expect(result.decision).toBe('declined');
      expect(codes(result.reasons)[0]).toBe('EXPOSURE_CAP');
      expect(result.rulesFired).toEqual([
        {
          code: 'EXPOSURE_CAP',
          detail:
            "draw 3000.00 exceeds the line's available limit 2000.00 (limit 10000.00 − principal outstanding 5000.00 − draws in flight 3000.00)",
        },
      ]);
      expect(
        decideFor(cashDraw('2000.00'), withLine('10000.00', '5000.00', '3000.00')).decision,
      ).toBe('approved');
    });

    it('a line drawn in full and repaid in full lends its whole limit again', () => {
      expect(decideFor(cashDraw('3000.00'), withLine('3000.00', '3000.00')).decision).toBe(
        'declined',
      );
      expect(decideFor(cashDraw('3000.00'), withLine('3000.00', '0.00')).decision).toBe('approved');
    });

    it('draw-on-unknown-line: declined', () => {
      const result = decideFor(cashDraw('1000.00'), noHistory);
      expect(result.rulesFired.map((h) => h.code)).toEqual(['UNKNOWN_LINE']);
    });

    it('failed-affordability: new installment + debt above half the income', () => {
      const result = decideFor(line('20000.00'), noHistory, {
        monthlyDebtPayments: cny('3500.00'),
      });
      expect(result.decision).toBe('declined');
      expect(result.rulesFired.map((h) => h.code)).toEqual(['AFFORDABILITY']);
      // 20,000 over 12 months: 1,666.67 principal + 31 days at 0.05 % = 310.00 interest.
      expect(result.rulesFired[0]?.detail).toBe(
        'new installment 1976.67 + existing debt 3500.00 exceed 0.5 × income = 5000.00',
      );
      expect(
        decideFor(line('20000.00'), noHistory, { monthlyDebtPayments: cny('3000.00') }).decision,
      ).toBe('approved');
    });

    it('estimates the largest installment of a plan and of a cash loan', () => {
      expect(estimatedMonthlyInstallment(purchase('1000.00', 3))?.toString()).toBe('341.68');
      expect(estimatedMonthlyInstallment(purchase('1000.00', 3, 'merchant'))?.toString()).toBe(
        '333.34',
      );
      expect(estimatedMonthlyInstallment(cashDraw('6000.00', 6))?.toString()).toBe('1093.00');
      // 6,000 / 6 = 1,000.00 + 6,000 × 0.18 (dearest annual) × 33 / 360 = 99.00 → 1,099.00
      for (const method of ['equal-installment', 'equal-principal'] as const)
        expect(estimatedMonthlyInstallment(cashDraw('6000.00', 6, method))?.toString()).toBe(
          '1099.00',
        );
      // 1,000 / 3 = 333.333… → 333.34 (UP) + 1,000 × 0.18 × 33 / 360 = 16.50 → 349.84
      expect(
        estimatedMonthlyInstallment(cashDraw('1000.00', 3, 'equal-principal'))?.toString(),
      ).toBe('349.84');
      expect(estimatedMonthlyInstallment(purchase('1000.00', 5))).toBeNull();
    });

    it('velocity: the sixth application of the day', () => {
      const fifth = decideFor(line('20000.00'), { ...noHistory, applicationsToday: 4 });
      expect(fifth.decision).toBe('approved');
      const sixth = decideFor(line('20000.00'), { ...noHistory, applicationsToday: 5 });
      expect(sixth.decision).toBe('declined');
      expect(codes(sixth.reasons)[0]).toBe('VELOCITY');
    });

    it.each([
      [17, 'declined'],
      [18, 'approved'],
      [70, 'approved'],
      [71, 'declined'],
    ])('age-%i: %s', (age, expected) => {
      const result = decideFor(line('20000.00'), noHistory, { age });
      expect(result.decision).toBe(expected);
      if (expected === 'declined') {
        expect(result.rulesFired.map((h) => h.code)).toEqual(['AGE']);
        expect(result.reasons[0]?.code).toBe('AGE');
      }
    });

    it('ranks every failed rule before the score reasons, four reasons at most', () => {
      const result = decideFor(
        line('200000.00'),
        { ...noHistory, applicationsToday: 9 },
        {
          age: 17,
          profile: weakProfile,
          monthlyDebtPayments: cny('6000.00'),
        },
      );
      expect(codes(result.reasons)).toEqual(['AGE', 'VELOCITY', 'EXPOSURE_CAP', 'AFFORDABILITY']);
      expect(result.rulesFired).toHaveLength(4);
    });

    it('currency-mismatch: income in another currency than the request', () => {
      const result = decideFor(line('20000.00'), noHistory, {
        monthlyIncome: Money.of('10000.00', 'USD'),
      });
      expect(result.rulesFired.map((h) => h.code)).toEqual(['CURRENCY']);
    });
  });

  describe('score bands without rules', () => {
    it('declines a weak applicant below the refer band', () => {
      const result = decideFor(line('20000.00'), noHistory, { profile: weakProfile });
      expect(result.score).toBeLessThan(486);
      expect(result).toMatchObject({ decision: 'declined', band: 'decline', rulesFired: [] });
    });

    it('refers an applicant within 10 points of the cutoff', () => {
      const profile = weakened(strongProfile, 'radio/tv');
      const result = decideFor(line('20000.00'), noHistory, { profile });
      expect(result.score).toBeGreaterThanOrEqual(486);
      expect(result.score).toBeLessThan(506);
      expect(result).toMatchObject({ decision: 'referred', band: 'refer', creditLine: null });
    });
  });
});
