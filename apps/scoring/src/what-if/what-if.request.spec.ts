import { parseWhatIf } from './what-if.request';
import { borderlineProfile } from '@credit/testing';

const profile = { ...borderlineProfile, checkingStatus: 'no checking' };
const applicant = {
  age: 30,
  monthlyIncome: { amount: '8000.00', currency: 'CNY' },
  monthlyDebtPayments: { amount: '0.00', currency: 'CNY' },
  profile,
};
/** A what-if of a 999.00 CNY draw over 3 periods, with these draw fields. */
const drawOf = (draw: Record<string, unknown>) => ({
  kind: 'draw',
  applicant,
  draw: { amount: { amount: '999.00', currency: 'CNY' }, periods: 3, ...draw },
});

function fieldsOf(body: unknown): { field: string; problems: string[] }[] {
  try {
    parseWhatIf(body);
  } catch (error) {
    return (error as { details: { fields: { field: string; problems: string[] }[] } }).details
      .fields;
  }
  throw new Error('expected a validation error');
}

describe('what-if request', () => {
  it('accepts a draw without line or merchant and fills them with null', () => {
    const input = parseWhatIf(drawOf({ product: 'installment-purchase' }));
    expect(input.creditLine).toBeNull();
    expect(input.draw).toEqual({
      lineId: null,
      product: 'installment-purchase',
      amount: { amount: '999.00', currency: 'CNY' },
      periods: 3,
      merchantId: null,
      feePayer: null,
      repaymentMethod: null,
    });
  });

  it('takes a cash loan repayment method, and refuses one on an installment purchase', () => {
    const cash = parseWhatIf(drawOf({ product: 'cash-loan', repaymentMethod: 'equal-principal' }));
    expect(cash.draw?.repaymentMethod).toBe('equal-principal');
    const fields = fieldsOf(
      drawOf({ product: 'installment-purchase', repaymentMethod: 'balloon' }),
    );
    expect(fields).toEqual([
      {
        field: 'draw.repaymentMethod',
        problems: ['must be null for an installment purchase (a flat-fee plan)'],
      },
    ]);
  });

  it('lists a kind without its request together with the other bad fields', () => {
    const fields = fieldsOf({ kind: 'credit-line', applicant: { ...applicant, age: 200 } });
    expect(fields.map((f) => f.field).sort()).toEqual(['applicant.age', 'creditLine']);
    expect(fields.find((f) => f.field === 'creditLine')?.problems).toEqual([
      'is required for a credit-line application',
    ]);
  });

  it('names the amount or the currency of bad money', () => {
    const fields = fieldsOf({
      kind: 'credit-line',
      applicant: { ...applicant, monthlyIncome: { amount: '1.00', currency: 'XXX' } },
      creditLine: { requestedLimit: { amount: '0.00', currency: 'CNY' } },
    });
    expect(fields.map((f) => f.field).sort()).toEqual([
      'applicant.monthlyIncome.currency',
      'creditLine.requestedLimit.amount',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsOf('score me').map((f) => f.field)).toEqual(['body']);
  });
});
