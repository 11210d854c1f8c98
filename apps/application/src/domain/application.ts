/**
 * Applications and their decisions as plain data and rules. No framework, no database.
 */

export const applicationStatuses = ['submitted', 'approved', 'declined', 'referred'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type Decision = Exclude<ApplicationStatus, 'submitted'>;

/** Youngest applicant who can take credit; oldest age accepted as plausible. */
export const ApplicantAgeMin = 18;
export const ApplicantAgeMax = 120;
/** Installment purchases run 3, 6 or 12 periods; a cash loan up to CashLoanTermMonthsMax months. */
export const InstallmentPeriods = [3, 6, 12] as const;
export const CashLoanTermMonthsMax = 12;

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

/**
 * Age in whole years on `today` (both ISO dates). Someone born on 29 February turns a year older
 * on 1 March in a non-leap year.
 */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
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
