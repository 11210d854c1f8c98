import type { LoanTerms } from '@credit/contracts';
import { type Schedule, scheduleForTerms } from '@credit/lending-math';
import type { Money } from '@credit/money';

/** The lending-math schedule for a loan's terms. */
export function scheduleFor(terms: LoanTerms, principal: Money): Schedule {
  return scheduleForTerms(terms, principal);
}
