import fc from 'fast-check';
import { Money, MoneyDecimal } from '@credit/money';
import {
  type Bucket,
  type BucketState,
  type Component,
  NON_PERFORMING_WATERFALL,
  PERFORMING_WATERFALL,
  PERFORMING_WATERFALL_WITH_PREPAYMENT,
  type Schedule,
  allocate,
  cashLoanSchedule,
  equalInstallmentSchedule,
  equalPrincipalSchedule,
  installmentPlanSchedule,
} from './index';

const currencyArb = fc.constantFrom('CNY', 'JPY', 'KWD');
const principalArb = currencyArb.chain((currency) =>
  fc.bigInt({ min: 1n, max: 10n ** 10n }).map((units) => Money.fromMinorUnits(units, currency)),
);
/** Rate as a decimal string with 4 decimals: 0 … 0.3600. */
const annualRateArb = fc
  .integer({ min: 0, max: 3600 })
  .map((bp) => new MoneyDecimal(bp).div(10000).toString());
const dailyRateArb = fc
  .integer({ min: 0, max: 100 })
  .map((n) => new MoneyDecimal(n).div(100000).toString());
const periodsArb = fc.integer({ min: 1, max: 120 });
const startDateArb = fc
  .record({
    year: fc.integer({ min: 2000, max: 2060 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
  });
const firstDueArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ kind: fc.constant('day-of-month' as const), day: fc.integer({ min: 1, max: 31 }) }),
);

/** The inputs both amortizing schedules take. */
const amortizingInputArbs = {
  principal: principalArb,
  annualRate: annualRateArb,
  periods: periodsArb,
  startDate: startDateArb,
  firstDue: firstDueArb,
};

/** Any schedule builder, on random inputs. */
const scheduleArb: fc.Arbitrary<{ kind: string; schedule: Schedule }> = fc.oneof(
  fc
    .record({
      ...amortizingInputArbs,
      interestBasis: fc.constantFrom('monthly-rate', 'ACT/365', 'ACT/360', '30/360' as const),
    })
    .map((input) => ({ kind: 'equal-installment', schedule: equalInstallmentSchedule(input) })),
  fc
    .record(amortizingInputArbs)
    .map((input) => ({ kind: 'equal-principal', schedule: equalPrincipalSchedule(input) })),
  fc
    .record({
      principal: principalArb,
      periods: fc.constantFrom(3, 6, 12),
      startDate: startDateArb,
      feePayer: fc.constantFrom('buyer' as const, 'merchant' as const),
    })
    .map((input) => ({ kind: 'installment-plan', schedule: installmentPlanSchedule(input) })),
  fc
    .record({
      principal: principalArb,
      dailyRate: dailyRateArb,
      periods: fc.integer({ min: 1, max: 36 }),
      startDate: startDateArb,
      firstDue: firstDueArb,
    })
    .map((input) => ({ kind: 'cash-loan', schedule: cashLoanSchedule(input) })),
);

describe('schedule properties', () => {
  it('principal parts sum exactly to the principal and the last balance is zero', () => {
    fc.assert(
      fc.property(scheduleArb, ({ schedule }) => {
        const sum = Money.sum(
          schedule.currency,
          schedule.installments.map((row) => row.principal),
        );
        expect(sum.equals(schedule.principal)).toBe(true);
        expect(schedule.installments.at(-1)?.balance.isZero()).toBe(true);
      }),
    );
  });

  it('no amount is ever negative and the balance never goes below zero or up', () => {
    fc.assert(
      fc.property(scheduleArb, ({ schedule }) => {
        let previous = schedule.principal;
        for (const row of schedule.installments) {
          for (const amount of [row.principal, row.interest, row.fee, row.total, row.balance]) {
            expect(amount.isNegative()).toBe(false);
          }
          expect(row.total.equals(row.principal.add(row.interest).add(row.fee))).toBe(true);
          expect(row.balance.equals(previous.subtract(row.principal))).toBe(true);
          previous = row.balance;
        }
      }),
    );
  });

  it('APR is never negative', () => {
    fc.assert(
      fc.property(scheduleArb, ({ schedule }) => {
        expect(schedule.apr.startsWith('-')).toBe(false);
        expect(new MoneyDecimal(schedule.apr).gte(new MoneyDecimal(schedule.nominalApr))).toBe(
          true,
        );
      }),
    );
  });

  it('a zero-fee, zero-interest plan has an APR of exactly 0', () => {
    fc.assert(
      fc.property(principalArb, periodsArb, startDateArb, (principal, periods, startDate) => {
        const plan = installmentPlanSchedule({ principal, periods, startDate, feeRate: '0' });
        const loan = equalInstallmentSchedule({ principal, periods, startDate, annualRate: '0' });
        for (const schedule of [plan, loan]) {
          expect(schedule.apr).toBe('0.0000');
          expect(schedule.nominalApr).toBe('0.0000');
          expect(schedule.totals.total.equals(principal)).toBe(true);
        }
      }),
    );
  });
});

const stateArb = fc.constantFrom<BucketState>('past-due', 'due', 'not-due');
const componentArb = fc.constantFrom<Component>('penalty', 'interest', 'fee', 'principal');
const unitsArb = fc.bigInt({ min: 0n, max: 10n ** 9n });

describe('allocation properties', () => {
  const caseArb = fc.record({
    payment: unitsArb,
    buckets: fc.array(fc.record({ state: stateArb, component: componentArb, units: unitsArb }), {
      maxLength: 12,
    }),
    waterfall: fc.constantFrom(
      PERFORMING_WATERFALL,
      PERFORMING_WATERFALL_WITH_PREPAYMENT,
      NON_PERFORMING_WATERFALL,
    ),
  });

  it('conserves money: applied + overpayment = payment, nothing negative, no bucket overpaid', () => {
    fc.assert(
      fc.property(caseArb, ({ payment: paymentUnits, buckets: raw, waterfall }) => {
        const payment = Money.fromMinorUnits(paymentUnits, 'CNY');
        const buckets: Bucket[] = raw.map((b) => ({
          state: b.state,
          component: b.component,
          amount: Money.fromMinorUnits(b.units, 'CNY'),
        }));
        const result = allocate(payment, buckets, waterfall);
        const applied = Money.sum(
          'CNY',
          result.applied.map((a) => a.amount),
        );
        expect(applied.add(result.overpayment).equals(payment)).toBe(true);
        expect(result.overpayment.isNegative()).toBe(false);
        const byComponent = Money.sum('CNY', Object.values(result.byComponent));
        expect(byComponent.equals(applied)).toBe(true);
        const paidPerBucket = new Map<number, Money>();
        for (const a of result.applied) {
          expect(a.amount.isPositive()).toBe(true);
          paidPerBucket.set(
            a.bucketIndex,
            (paidPerBucket.get(a.bucketIndex) ?? Money.zero('CNY')).add(a.amount),
          );
        }
        paidPerBucket.forEach((paid, index) => {
          expect(paid.lessThanOrEqual(buckets[index]?.amount ?? Money.zero('CNY'))).toBe(true);
        });
        // Overpayment only once every bucket the waterfall covers is fully paid.
        if (result.overpayment.isPositive()) {
          buckets.forEach((bucket, index) => {
            const covered = waterfall.some(
              (s) => s.state === bucket.state && s.component === bucket.component,
            );
            if (covered) {
              expect((paidPerBucket.get(index) ?? Money.zero('CNY')).equals(bucket.amount)).toBe(
                true,
              );
            }
          });
        }
      }),
    );
  });
});
