import { Money } from '@credit/money';
import type { CreditRequest, CustomerHistory, Requested } from './credit-request';
import {
  ReferralDeclineReasonCodes,
  ReferralError,
  ReferralPriceTiers,
  approvalTerms,
  assertPending,
  declineReasons,
} from './referral';
import { weakened } from './profiles.testing';
import type { PolicyLimits } from './rules';
import { ScoreBands } from './score-bands';
import { scoringPolicyLimits, strongProfile } from '@credit/testing';

const cny = (amount: string) => Money.of(amount, 'CNY');
const limits: PolicyLimits = scoringPolicyLimits;
const profile = weakened(strongProfile, 'radio/tv');
const request = (requested: Requested, income = '10000.00'): CreditRequest => ({
  applicant: {
    age: 40,
    monthlyIncome: cny(income),
    monthlyDebtPayments: cny('500.00'),
    profile,
  },
  requested,
});
const line = (limit: string): Requested => ({ kind: 'credit-line', requestedLimit: cny(limit) });
const cash = (amount: string): Requested => ({
  kind: 'draw',
  lineId: 'CL-1',
  product: 'cash-loan',
  amount: cny(amount),
  periods: 6,
  merchantId: null,
  feePayer: null,
  repaymentMethod: 'daily-interest',
});
const noHistory: CustomerHistory = {
  applicationsToday: 1,
  approvedLineLimits: cny('0'),
  line: null,
};

function referralErrorOf(action: () => unknown): ReferralError {
  try {
    action();
  } catch (error) {
    if (error instanceof ReferralError) return error;
    throw error;
  }
  throw new Error('expected a ReferralError');
}

describe('approvalTerms: what an operator may grant on a referral', () => {
  it('offers the tiers of the approving bands', () => {
    expect(ReferralPriceTiers).toEqual(['A', 'B', 'C']);
    // The contracts' list is the approving bands' tiers: a new band must be grantable too.
    expect(ReferralPriceTiers).toEqual(
      ScoreBands.flatMap((band) =>
        band.outcome === 'approve' && band.tier !== null ? [band.tier] : [],
      ),
    );
  });

  it('grants a credit line at the operator limit and tier', () => {
    const terms = approvalTerms(request(line('20000.00')), noHistory, limits, {
      limit: '12000.00',
      priceTier: 'C',
    });
    expect(terms.priceTier).toBe('C');
    expect(terms.creditLine?.limit.toString()).toBe('12000.00');
    expect(terms.creditLine?.priceTier).toBe('C');
    expect(terms.draw).toBeNull();
  });

  it('grants up to what the tier grants: 3 × income and 15,000 at C, the requested limit at A', () => {
    // Tier C: the lowest of 20,000 requested, 3 × 4,000 = 12,000 and the 15,000 cap.
    const poorer = request(line('20000.00'), '4000.00');
    expect(
      approvalTerms(poorer, noHistory, limits, {
        limit: '12000.00',
        priceTier: 'C',
      }).creditLine?.limit.toString(),
    ).toBe('12000.00');
    const error = referralErrorOf(() =>
      approvalTerms(poorer, noHistory, limits, { limit: '12000.01', priceTier: 'C' }),
    );
    expect(error).toMatchObject({
      code: 'REFERRAL.OUTSIDE_POLICY',
      kind: 'rejected',
      details: { field: 'limit', max: '12000.00' },
    });
    // Never more than requested, whatever the tier.
    const above = referralErrorOf(() =>
      approvalTerms(request(line('20000.00')), noHistory, limits, {
        limit: '20000.01',
        priceTier: 'A',
      }),
    );
    expect(above.details).toEqual({ field: 'limit', max: '20000.00' });
  });

  it('keeps the customer within the exposure cap counting lines approved since', () => {
    const history = { ...noHistory, approvedLineLimits: cny('95000.00') };
    const error = referralErrorOf(() =>
      approvalTerms(request(line('20000.00')), history, limits, {
        limit: '5000.01',
        priceTier: 'A',
      }),
    );
    expect(error).toMatchObject({
      code: 'REFERRAL.OUTSIDE_POLICY',
      details: { field: 'limit', max: '5000.00' },
    });
    expect(
      approvalTerms(request(line('20000.00')), history, limits, {
        limit: '5000.00',
        priceTier: 'A',
      }).creditLine?.limit.toString(),
    ).toBe('5000.00');
  });

  it.each([
    [null, 'C', 'limit', 'required'],
    ['0', 'C', 'limit', 'greater than zero'],
    ['100.001', 'C', 'limit', 'scale'],
    ['1000.00', 'D', 'priceTier', 'one of A, B, C'],
  ])('refuses limit %s at tier %s as invalid, naming %s', (limit, priceTier, field, text) => {
    const error = referralErrorOf(() =>
      approvalTerms(request(line('20000.00')), noHistory, limits, { limit, priceTier }),
    );
    expect(error).toMatchObject({ code: 'REFERRAL.INVALID', kind: 'invalid', details: { field } });
    expect(error.message.toLowerCase()).toContain(text.toLowerCase());
  });

  it('grants a cash draw at the tier daily rate, within what is left on its line', () => {
    const history = {
      ...noHistory,
      line: {
        limit: cny('10000.00'),
        principalOutstanding: cny('3000.00'),
        drawsInFlight: cny('1000.00'),
      },
    };
    const atB = approvalTerms(request(cash('6000.00')), history, limits, {
      limit: null,
      priceTier: 'B',
    });
    expect(atB.creditLine).toBeNull();
    expect(atB.draw?.pricing).toMatchObject({ method: 'daily-interest', dailyRate: '0.0004' });
    const sameAmount = approvalTerms(request(cash('6000.00')), history, limits, {
      limit: '6000',
      priceTier: 'A',
    });
    expect(sameAmount.draw?.pricing.dailyRate).toBe('0.0003');

    expect(
      referralErrorOf(() =>
        approvalTerms(request(cash('6000.00')), history, limits, {
          limit: '5000.00',
          priceTier: 'A',
        }),
      ),
    ).toMatchObject({ code: 'REFERRAL.INVALID', details: { field: 'limit' } });
    expect(
      referralErrorOf(() =>
        approvalTerms(request(cash('6000.01')), history, limits, { limit: null, priceTier: 'A' }),
      ),
    ).toMatchObject({ code: 'REFERRAL.OUTSIDE_POLICY', details: { field: 'limit' } });
    expect(
      referralErrorOf(() =>
        approvalTerms(request(cash('100.00')), noHistory, limits, { limit: null, priceTier: 'A' }),
      ).message,
    ).toContain('not an approved line');
  });
});

describe('declineReasons', () => {
  const model = [
    { code: 'CHECKING_STATUS', text: 'checking' },
    { code: 'CREDIT_HISTORY', text: 'history' },
    { code: 'SAVINGS_STATUS', text: 'savings' },
    { code: 'PURPOSE', text: 'purpose' },
  ];

  it("puts the operator's reason first and keeps four reasons at most", () => {
    const reasons = declineReasons('REFERRAL.INCOME_NOT_VERIFIED', model);
    expect(reasons.map((r) => r.code)).toEqual([
      'REFERRAL.INCOME_NOT_VERIFIED',
      'CHECKING_STATUS',
      'CREDIT_HISTORY',
      'SAVINGS_STATUS',
    ]);
    expect(reasons[0]?.text).toMatch(/income/i);
  });

  it('knows a text for every code and refuses an unknown code naming reasonCode', () => {
    for (const code of ReferralDeclineReasonCodes)
      expect(declineReasons(code, [])[0]?.text.length).toBeGreaterThan(0);
    expect(referralErrorOf(() => declineReasons('BECAUSE', model))).toMatchObject({
      code: 'REFERRAL.INVALID',
      details: { field: 'reasonCode' },
    });
  });
});

describe('assertPending', () => {
  it('lets a referral through and refuses a decided application with its status', () => {
    expect(() => assertPending('A-1', 'referred')).not.toThrow();
    expect(referralErrorOf(() => assertPending('A-1', 'approved'))).toMatchObject({
      code: 'REFERRAL.NOT_PENDING',
      kind: 'conflict',
      details: { status: 'approved' },
    });
  });
});
