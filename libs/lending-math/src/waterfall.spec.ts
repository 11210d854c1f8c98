import { Money } from '@credit/money';
import {
  type Bucket,
  NON_PERFORMING_WATERFALL,
  PERFORMING_WATERFALL,
  PERFORMING_WATERFALL_WITH_PREPAYMENT,
  allocate,
  waterfallFor,
} from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');

/** One past-due installment, one due today, and the not-due remainder of the loan. */
const buckets: Bucket[] = [
  { state: 'not-due', component: 'principal', amount: cny('1000.00') },
  { state: 'due', component: 'principal', amount: cny('305.00') },
  { state: 'due', component: 'interest', amount: cny('35.00') },
  { state: 'due', component: 'fee', amount: cny('10.00') },
  { state: 'past-due', component: 'principal', amount: cny('300.00') },
  { state: 'past-due', component: 'fee', amount: cny('10.00') },
  { state: 'past-due', component: 'interest', amount: cny('40.00') },
  { state: 'past-due', component: 'penalty', amount: cny('5.00') },
];

const steps = (result: ReturnType<typeof allocate>) =>
  result.applied.map((a) => `${a.state}/${a.component}=${a.amount.toString()}`);

describe('repayment-500-on-a-loan-one-installment-past-due (performing)', () => {
  const result = allocate(cny('500.00'), buckets, PERFORMING_WATERFALL);

  it('pays past-due penalty, interest, fee, principal, then due fee, interest, principal', () => {
    expect(steps(result)).toEqual([
      'past-due/penalty=5.00',
      'past-due/interest=40.00',
      'past-due/fee=10.00',
      'past-due/principal=300.00',
      'due/fee=10.00',
      'due/interest=35.00',
      'due/principal=100.00',
    ]);
    expect(result.overpayment.toString()).toBe('0.00');
  });

  it('sums by component', () => {
    expect(result.byComponent.penalty.toString()).toBe('5.00');
    expect(result.byComponent.interest.toString()).toBe('75.00');
    expect(result.byComponent.fee.toString()).toBe('20.00');
    expect(result.byComponent.principal.toString()).toBe('400.00');
  });

  it('points back at the input buckets', () => {
    expect(result.applied[0]?.bucketIndex).toBe(7);
  });
});

describe('repayment-1000-exceeding-what-is-due', () => {
  it('returns the excess as overpayment under the default waterfall (no silent prepayment)', () => {
    const result = allocate(cny('1000.00'), buckets);
    expect(result.overpayment.toString()).toBe('295.00');
    expect(result.byComponent.principal.toString()).toBe('605.00');
  });

  it('prepays not-due principal when the prepayment waterfall is chosen', () => {
    const result = allocate(cny('1000.00'), buckets, PERFORMING_WATERFALL_WITH_PREPAYMENT);
    expect(result.overpayment.toString()).toBe('0.00');
    expect(result.applied.at(-1)).toMatchObject({ state: 'not-due', component: 'principal' });
    expect(result.applied.at(-1)?.amount.toString()).toBe('295.00');
  });

  it('never pays beyond everything owed', () => {
    const result = allocate(cny('5000.00'), buckets, PERFORMING_WATERFALL_WITH_PREPAYMENT);
    expect(result.overpayment.toString()).toBe('3295.00');
  });
});

describe('repayment-500-on-a-charged-off-loan (non-performing, 90+ dpd)', () => {
  it('recovers principal first', () => {
    expect(waterfallFor('90+')).toBe(NON_PERFORMING_WATERFALL);
    expect(waterfallFor('61-90')).toBe(PERFORMING_WATERFALL);
    const result = allocate(cny('500.00'), buckets, waterfallFor('90+'));
    expect(steps(result)).toEqual(['past-due/principal=300.00', 'due/principal=200.00']);
  });
});

describe('allocation input checks', () => {
  it('pays buckets of the same step in input order (oldest first)', () => {
    const result = allocate(cny('15.00'), [
      { state: 'past-due', component: 'interest', amount: cny('10.00') },
      { state: 'past-due', component: 'interest', amount: cny('10.00') },
    ]);
    expect(result.applied.map((a) => [a.bucketIndex, a.amount.toString()])).toEqual([
      [0, '10.00'],
      [1, '5.00'],
    ]);
  });

  it('rejects negative amounts, other currencies and duplicate steps', () => {
    expect(() => allocate(cny('-1.00'), buckets)).toThrow('LENDING.INVALID_ARGUMENT');
    expect(() =>
      allocate(cny('1.00'), [{ state: 'due', component: 'fee', amount: cny('-1.00') }]),
    ).toThrow('LENDING.INVALID_ARGUMENT');
    expect(() =>
      allocate(cny('1.00'), [{ state: 'due', component: 'fee', amount: Money.of('1', 'JPY') }]),
    ).toThrow('LENDING.INVALID_ARGUMENT');
    expect(() =>
      allocate(cny('1.00'), buckets, [...PERFORMING_WATERFALL, PERFORMING_WATERFALL[0]!]),
    ).toThrow('LENDING.INVALID_ARGUMENT');
  });
});
