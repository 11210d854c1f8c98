/**
 * Applications and their decisions as plain data and rules. No framework, no database.
 */
import { applicationStatuses } from '@credit/contracts';

// What a valid application is: shared with the API's schemas (@credit/api) through the contracts.
export {
  ApplicantAgeMax,
  ApplicantAgeMin,
  CashLoanTermMonthsMax,
  InstallmentPeriods,
  ageOn,
  applicationStatuses,
  isCalendarDate,
} from '@credit/contracts';
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type Decision = Exclude<ApplicationStatus, 'submitted'>;

export class ApplicationError extends Error {
  constructor(
    readonly code:
      | 'APPLICATION.LINE_NOT_AVAILABLE'
      | 'APPLICATION.DRAW_EXCEEDS_LIMIT'
      | 'APPLICATION.DRAW_CURRENCY_MISMATCH'
      | 'APPLICATION.NOT_FOUND'
      | 'APPLICATION.LINE_NOT_FOUND'
      | 'APPLICATION.IDEMPOTENCY_CONFLICT'
      | 'APPLICATION.UNKNOWN_APPLICATION'
      | 'APPLICATION.DECISION_CONFLICT'
      | 'APPLICATION.DECISION_MISMATCH',
    message: string,
    readonly kind: 'invalid' | 'not-found' | 'conflict' | 'rejected' = 'rejected',
    /** False: retrying cannot help (a consumer sends the event to the DLQ at once). */
    readonly retriable = true,
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

export type DecisionOutcome = 'apply' | 'already-applied';

/**
 * What a decision does to an application in `current` status.
 * A referral is a pending manual review: the final decision may follow. A final decision (approved,
 * declined) stands; the same decision again (a re-publish with a new event id) changes nothing,
 * a different one is a conflict that an operator must look at.
 */
export function decisionOutcome(
  applicationId: string,
  current: ApplicationStatus,
  decision: Decision,
): DecisionOutcome {
  if (current === 'submitted') return 'apply';
  if (current === decision) return 'already-applied';
  if (current === 'referred') return 'apply';
  throw new ApplicationError(
    'APPLICATION.DECISION_CONFLICT',
    `application ${applicationId} is already ${current}; a later "${decision}" decision is not applied`,
    'conflict',
    false,
  );
}
