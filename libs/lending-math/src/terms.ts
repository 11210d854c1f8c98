import type { Money } from '@credit/money';
import { cashLoanSchedule } from './cash-loan';
import { equalInstallmentSchedule, equalPrincipalSchedule } from './amortizing';
import { type DayCountConvention, isDayCountConvention } from './day-count';
import { LendingErrorCode, LendingMathError } from './errors';
import { installmentPlanSchedule } from './installment-plan';
import type { Schedule } from './schedule';

export type ScheduleMethod =
  'flat-fee' | 'equal-installment' | 'equal-principal' | 'daily-interest';

/**
 * The convention a method is quoted in when none is named: 30/360 for equal-installment and
 * equal-principal (each regular month is then annualRate ÷ 12, the textbook 等额本息/等额本金
 * figures), ACT/365 for daily-interest and flat-fee.
 */
export function defaultDayCount(method: ScheduleMethod): DayCountConvention {
  return method === 'equal-installment' || method === 'equal-principal' ? '30/360' : 'ACT/365';
}

/** The terms a schedule is built from (the shape of the platform's loan terms). */
export interface ScheduleTerms {
  readonly method: ScheduleMethod;
  readonly periods: number;
  readonly annualRate: string | null;
  readonly dailyRate: string | null;
  readonly feeRate: string | null;
  readonly feePayer: 'buyer' | 'merchant' | null;
  /**
   * How interest counts days: equal-installment and equal-principal loans take each period's
   * interest as balance × annualRate × dayCount(previous due date, due date) ÷ basis (30/360 on
   * regular monthly dates is the textbook annualRate ÷ 12); a daily-interest loan counts the
   * period's days by it (actual days for ACT/365 and ACT/360, 30-day months for 30/360). A
   * flat-fee plan has no interest: the convention does not change it.
   */
  readonly dayCount: DayCountConvention;
  readonly startDate: string;
}

/** One entry point for every product: the schedule of `principal` under `terms`. */
export function scheduleForTerms(terms: ScheduleTerms, principal: Money): Schedule {
  if (!isDayCountConvention(terms.dayCount)) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      'dayCount must be one of ACT/365, ACT/360, 30/360',
      { field: 'dayCount', value: String(terms.dayCount) },
    );
  }
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
        interestBasis: terms.dayCount,
      });
    case 'equal-principal':
      return equalPrincipalSchedule({
        principal,
        annualRate: rate(terms.annualRate, 'annualRate'),
        periods: terms.periods,
        startDate: terms.startDate,
        interestBasis: terms.dayCount,
      });
    case 'daily-interest':
      return cashLoanSchedule({
        principal,
        dailyRate: rate(terms.dailyRate, 'dailyRate'),
        periods: terms.periods,
        startDate: terms.startDate,
        dayCount: terms.dayCount,
      });
  }
}
