import { parseWith } from '@credit/platform';
import { submitApplicationSchema } from './application';
import { borderlineApplicant, borderlineProfile, testConsent } from '@credit/testing/fixtures';

const today = '2026-05-20';
const profile = borderlineProfile;
const applicant = borderlineApplicant();
/** A draw on line LINE-1 with these fields: by default a cash loan of 500 CNY over 9 periods. */
const cashDraw = (draw: Record<string, unknown> = {}) => ({
  kind: 'draw',
  applicant,
  draw: {
    lineId: 'LINE-1',
    product: 'cash-loan',
    amount: { amount: '500', currency: 'CNY' },
    periods: 9,
    ...draw,
  },
});
/** An installment purchase of 3000.00 CNY over 6 periods at M-1, the merchant paying the fee. */
const purchaseDraw = (draw: Record<string, unknown> = {}) =>
  cashDraw({
    product: 'installment-purchase',
    amount: { amount: '3000.00', currency: 'CNY' },
    periods: 6,
    merchantId: 'M-1',
    feePayer: 'merchant',
    ...draw,
  });

/** The problems of a body; one without a `consent` key gets the test consent. */
function problemsOf(body: unknown): Record<string, string[]> {
  const withConsent =
    typeof body === 'object' && body !== null && !('consent' in body)
      ? { ...body, consent: testConsent() }
      : body;
  const parsed = parseWith(
    submitApplicationSchema(() => today),
    withConsent,
  );
  return parsed.ok ? {} : Object.fromEntries(parsed.problems.map((f) => [f.field, f.problems]));
}

describe('submission validation', () => {
  it('accepts a credit line, an installment purchase and a cash loan', () => {
    const line = {
      kind: 'credit-line',
      applicant,
      creditLine: { requestedLimit: { amount: '20000', currency: 'CNY' } },
    };
    expect(problemsOf(line)).toEqual({});
    const purchase = {
      ...purchaseDraw(),
      applicant: { ...applicant, age: undefined, dateOfBirth: '1990-05-17' },
    };
    expect(problemsOf(purchase)).toEqual({});
    expect(problemsOf(cashDraw())).toEqual({});
    for (const repaymentMethod of ['daily-interest', 'equal-installment', 'equal-principal'])
      expect(problemsOf(cashDraw({ repaymentMethod }))).toEqual({});
  });

  it('names draw.repaymentMethod when it is unknown, or given for an installment purchase', () => {
    expect(problemsOf(cashDraw({ periods: 6, repaymentMethod: 'balloon' }))).toEqual({
      'draw.repaymentMethod': [
        'must be one of: daily-interest, equal-installment, equal-principal',
      ],
    });
    const purchase = purchaseDraw({ feePayer: 'buyer', repaymentMethod: 'equal-installment' });
    expect(problemsOf(purchase)).toEqual({
      'draw.repaymentMethod': [
        'must be absent for an installment purchase (a flat-fee plan); it applies to cash loans',
      ],
    });
  });

  it('lists every bad field at once, naming rules and never echoing values', () => {
    const body = {
      kind: 'draw',
      applicant: {
        ...applicant,
        nationalId: '!!',
        phone: 'call me',
        age: 16,
        dateOfBirth: '2010-01-01',
        monthlyIncome: { amount: '12000.001', currency: 'CNY' },
        monthlyDebtPayments: { amount: '-1', currency: 'USD' },
        // (A fraction where a whole number is needed stops zod's cross-field checks: 25, not 2.5.)
        profile: { ...profile, housing: 'castle', dependents: 25 },
      },
      creditLine: { requestedLimit: { amount: '1', currency: 'CNY' } },
      draw: {
        lineId: 'LINE-1',
        product: 'cash-loan',
        amount: { amount: '0', currency: 'CNY' },
        periods: 13,
        merchantId: 'M-1',
      },
      extra: true,
    };
    const problems = problemsOf(body);
    expect(Object.keys(problems).sort()).toEqual(
      [
        'applicant.nationalId',
        'applicant.phone',
        'applicant.age',
        'applicant.dateOfBirth',
        'applicant.monthlyIncome.amount',
        'applicant.monthlyDebtPayments.amount',
        'applicant.monthlyDebtPayments.currency',
        'applicant.profile.housing',
        'applicant.profile.dependents',
        'creditLine',
        'draw.amount.amount',
        'draw.periods',
        'draw.merchantId',
        'extra',
      ].sort(),
    );
    expect(JSON.stringify(problems)).not.toContain('call me');
    expect(JSON.stringify(problems)).not.toContain('!!');
  });

  it('requires the section of the kind, and what an installment purchase needs', () => {
    expect(problemsOf({ kind: 'credit-line', applicant })).toEqual({
      creditLine: ['is required for a credit-line application'],
    });
    const problems = problemsOf({
      kind: 'draw',
      applicant: { ...applicant, age: undefined },
      draw: {
        lineId: 'L',
        product: 'installment-purchase',
        amount: { amount: '1.00', currency: 'EUR' },
        periods: 4,
      },
    });
    expect(problems).toEqual({
      'applicant.age': ['give exactly one of age and dateOfBirth'],
      'draw.merchantId': ['is required for an installment purchase'],
      'draw.feePayer': ['is required for an installment purchase'],
      'draw.periods': ['must be one of 3, 6, 12 for an installment purchase'],
      'draw.amount.currency': ['must be CNY, the currency of applicant.monthlyIncome'],
    });
    expect(problemsOf('text')).toEqual({ body: ['must be a JSON object'] });
  });

  it('requires consent: purposes including credit-assessment, each once, and the text version', () => {
    const line = {
      kind: 'credit-line',
      applicant,
      creditLine: { requestedLimit: { amount: '20000', currency: 'CNY' } },
    };
    expect(problemsOf({ ...line, consent: undefined })).toEqual({
      consent: ['is required: the purposes consented to and the consent text version'],
    });
    expect(problemsOf({ ...line, consent: testConsent(['marketing']) })).toEqual({
      'consent.purposes': ['must include "credit-assessment" (an application is a request for it)'],
    });
    expect(
      Object.keys(
        problemsOf({
          ...line,
          consent: { purposes: ['credit-assessment', 'credit-assessment', 'spam'], extra: 1 },
        }),
      ).sort(),
    ).toEqual(['consent.extra', 'consent.purposes.2', 'consent.textVersion']);
    expect(
      problemsOf({ ...line, consent: testConsent(['credit-assessment', 'marketing']) }),
    ).toEqual({});
  });
});
