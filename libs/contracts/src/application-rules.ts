/**
 * What a valid application is, as the application service's API and its domain both read it:
 * statuses, the applicant's age bounds and the terms a draw may ask for. Pure data and rules.
 */

export const applicationStatuses = ['submitted', 'approved', 'declined', 'referred'] as const;

/** Youngest applicant who can take credit; oldest age accepted as plausible. */
export const ApplicantAgeMin = 18;
export const ApplicantAgeMax = 120;
/** Installment purchases run 3, 6 or 12 periods; a cash loan up to CashLoanTermMonthsMax months. */
export const InstallmentPeriods = [3, 6, 12] as const;
export const CashLoanTermMonthsMax = 12;

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
