import type { Money } from '@credit/money';
import { cashLoanSchedule } from './cash-loan';
import { equalInstallmentSchedule, equalPrincipalSchedule } from './amortizing';
import { LendingErrorCode, LendingMathError } from './errors';
import { installmentPlanSchedule } from './installment-plan';
import type { Schedule } from './schedule';

export type ScheduleMethod =
  'flat-fee' | 'equal-installment' | 'equal-principal' | 'daily-interest';

/** The terms a schedule is built from (the shape of the platform's loan terms). */
export interface ScheduleTerms {
  readonly method: ScheduleMethod;
  readonly periods: number;
  readonly annualRate: string | null;
  readonly dailyRate: string | null;
  readonly feeRate: string | null;
  readonly feePayer: 'buyer' | 'merchant' | null;
  readonly startDate: string;
}

/** One entry point for every product: the schedule of `principal` under `terms`. */
export function scheduleForTerms(terms: ScheduleTerms, principal: Money): Schedule {
  const rate = (value: string | null, field: string): string => {
    if (value === null) {
      throw new LendingMathError(
        LendingErrorCode.INVALID_ARGUMENT,
        `${field} is required for ${terms.method}`,
        {
          field,
        },
      );
    }
    return value;
  };
  switch (terms.method) {
    case 'flat-fee':
      return installmentPlanSchedule({
        principal,
        periods: terms.periods,
        startDate: terms.startDate,
        feeRate: rate(terms.feeRate, 'feeRate'),
        feePayer: terms.feePayer ?? 'buyer',
      });
    case 'equal-installment':
      return equalInstallmentSchedule({
        principal,
        annualRate: rate(terms.annualRate, 'annualRate'),
        periods: terms.periods,
        startDate: terms.startDate,
      });
    case 'equal-principal':
      return equalPrincipalSchedule({
        principal,
        annualRate: rate(terms.annualRate, 'annualRate'),
        periods: terms.periods,
        startDate: terms.startDate,
      });
    case 'daily-interest':
      return cashLoanSchedule({
        principal,
        dailyRate: rate(terms.dailyRate, 'dailyRate'),
        periods: terms.periods,
        startDate: terms.startDate,
      });
  }
}
