import type { LoanTerms } from '@credit/contracts';
import {
  type Schedule,
  cashLoanSchedule,
  equalInstallmentSchedule,
  equalPrincipalSchedule,
  installmentPlanSchedule,
} from '@credit/lending-math';
import type { Money } from '@credit/money';

/** The lending-math schedule for a loan's terms. */
export function scheduleFor(terms: LoanTerms, principal: Money): Schedule {
  const rate = (value: string | null, field: string): string => {
    if (value === null)
      throw new Error(`invariant violated: terms.${field} is required for ${terms.method}`);
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
