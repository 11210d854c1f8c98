import { Money } from '@credit/money';
import { type AprResult, aprFromCashFlows } from './apr';
import { type IsoDate, addMonths, dateInMonth, daysBetween, parseIsoDate } from './dates';
import { invariant } from '@credit/kernel';
import { LendingErrorCode, LendingMathError } from './errors';
import { assertPeriods } from './validation';

/**
 * When the first installment falls due (later ones follow monthly):
 * - `one-month-after-start` (default): due k = startDate + k months, end-of-month clamped
 *   from the anchor (start 01-31 → 02-28, 03-31, 04-30, …);
 * - `day-of-month`: due on `day` (1–31, clamped to short months) of the month AFTER the start
 *   month; if that leaves fewer than `minFirstPeriodDays` (default 0) days after the start,
 *   the first due date moves one month later. Due k = that month + (k − 1), same day rule.
 */
export type FirstDueRule =
  | { readonly kind: 'one-month-after-start' }
  | { readonly kind: 'day-of-month'; readonly day: number; readonly minFirstPeriodDays?: number };

export const DEFAULT_FIRST_DUE_RULE: FirstDueRule = { kind: 'one-month-after-start' };

/** The `periods` monthly due dates of a schedule starting (disbursed) on `startDate`. */
export function dueDates(
  startDate: IsoDate,
  periods: number,
  rule: FirstDueRule = DEFAULT_FIRST_DUE_RULE,
): IsoDate[] {
  assertPeriods(periods);
  const start = parseIsoDate(startDate, 'startDate');
  const dates: IsoDate[] = [];
  if (rule.kind === 'one-month-after-start') {
    for (let k = 1; k <= periods; k++) {
      dates.push(addMonths(startDate, k));
    }
    return dates;
  }
  if (rule.kind !== 'day-of-month') {
    throw new LendingMathError(LendingErrorCode.INVALID_ARGUMENT, 'unknown first-due rule');
  }
  const minDays = rule.minFirstPeriodDays ?? 0;
  if (!Number.isSafeInteger(minDays) || minDays < 0 || minDays > 62) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      'minFirstPeriodDays must be an integer from 0 to 62',
      { value: String(minDays) },
    );
  }
  let firstMonth = start.month + 1;
  if (daysBetween(startDate, dateInMonth(start.year, firstMonth, rule.day)) < minDays) {
    firstMonth += 1;
  }
  for (let k = 0; k < periods; k++) {
    dates.push(dateInMonth(start.year, firstMonth + k, rule.day));
  }
  return dates;
}

export interface Installment {
  /** 1-based period number. */
  readonly period: number;
  readonly dueDate: IsoDate;
  readonly principal: Money;
  readonly interest: Money;
  readonly fee: Money;
  /** principal + interest + fee */
  readonly total: Money;
  /** Principal outstanding after this installment is paid. */
  readonly balance: Money;
}

export interface ScheduleTotals {
  readonly principal: Money;
  readonly interest: Money;
  readonly fee: Money;
  readonly total: Money;
}

export interface Schedule {
  readonly currency: string;
  readonly startDate: IsoDate;
  readonly principal: Money;
  /** What the borrower receives at t0 (principal, or goods worth it; minus any upfront fee). */
  readonly disbursed: Money;
  readonly installments: readonly Installment[];
  readonly totals: ScheduleTotals;
  /** Effective annual IRR of [−disbursed, total₁ … totalₙ]: (1 + monthly IRR)^12 − 1, 4 dp. */
  readonly apr: string;
  /** Monthly IRR × 12, 4 dp. */
  readonly nominalApr: string;
}

/** Builds an installment row; total = principal + interest + fee. */
export function installment(
  period: number,
  dueDate: IsoDate,
  principal: Money,
  interest: Money,
  fee: Money,
  balance: Money,
): Installment {
  return {
    period,
    dueDate,
    principal,
    interest,
    fee,
    total: principal.add(interest).add(fee),
    balance,
  };
}

export function scheduleTotals(currency: string, rows: readonly Installment[]): ScheduleTotals {
  const sum = (part: keyof ScheduleTotals) =>
    Money.sum(
      currency,
      rows.map((row) => row[part]),
    );
  return {
    principal: sum('principal'),
    interest: sum('interest'),
    fee: sum('fee'),
    total: sum('total'),
  };
}

/** APR of a schedule: the borrower receives `disbursed` at t0 and pays each `total` monthly. */
export function scheduleApr(disbursed: Money, rows: readonly Installment[]): AprResult {
  return aprFromCashFlows([disbursed.negate().amount, ...rows.map((row) => row.total.amount)]);
}

/** Assembles a schedule, computing totals and APR. */
export function buildSchedule(
  principal: Money,
  startDate: IsoDate,
  disbursed: Money,
  rows: readonly Installment[],
): Schedule {
  const totals = scheduleTotals(principal.currency, rows);
  invariant(
    totals.principal.equals(principal),
    'installment principal must sum to the loan principal',
  );
  const { apr, nominalApr } = scheduleApr(disbursed, rows);
  return {
    currency: principal.currency,
    startDate,
    principal,
    disbursed,
    installments: rows,
    totals,
    apr,
    nominalApr,
  };
}

export interface InstallmentJSON {
  readonly period: number;
  readonly dueDate: IsoDate;
  readonly principal: string;
  readonly interest: string;
  readonly fee: string;
  readonly total: string;
  readonly balance: string;
}

export interface ScheduleJSON {
  readonly currency: string;
  readonly startDate: IsoDate;
  readonly principal: string;
  readonly disbursed: string;
  readonly installments: readonly InstallmentJSON[];
  readonly totals: {
    readonly principal: string;
    readonly interest: string;
    readonly fee: string;
    readonly total: string;
  };
  readonly apr: string;
  readonly nominalApr: string;
}

/** Wire form of a schedule: every amount a decimal string at currency scale, one currency. */
export function scheduleToJSON(schedule: Schedule): ScheduleJSON {
  return {
    currency: schedule.currency,
    startDate: schedule.startDate,
    principal: schedule.principal.toString(),
    disbursed: schedule.disbursed.toString(),
    installments: schedule.installments.map((row) => ({
      period: row.period,
      dueDate: row.dueDate,
      principal: row.principal.toString(),
      interest: row.interest.toString(),
      fee: row.fee.toString(),
      total: row.total.toString(),
      balance: row.balance.toString(),
    })),
    totals: {
      principal: schedule.totals.principal.toString(),
      interest: schedule.totals.interest.toString(),
      fee: schedule.totals.fee.toString(),
      total: schedule.totals.total.toString(),
    },
    apr: schedule.apr,
    nominalApr: schedule.nominalApr,
  };
}
