import {
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  MoneyDecimal,
  type RoundingMode,
} from '@credit/money';
import { type IsoDate, compareIsoDates, dateInMonth, daysBetween, parseIsoDate } from './dates';
import { LendingErrorCode, LendingMathError } from './errors';
import {
  assertPositiveMoney,
  assertSameCurrency,
  checkedRounding,
  maxMoney,
  toRate,
} from './validation';

export interface DatedAmount {
  readonly date: IsoDate;
  readonly amount: Money;
}

export interface RevolvingStatementInput {
  readonly currency: string;
  /** The month the statement closes in, `YYYY-MM`. */
  readonly statementMonth: string;
  /** Day of month the cycle closes (clamped to short months). */
  readonly statementDay: number;
  /** Day of month payment is due: the first such day AFTER the statement date (clamped). */
  readonly dueDay: number;
  readonly purchases: readonly DatedAmount[];
  readonly repayments: readonly DatedAmount[];
  /** Daily interest rate on the unpaid balance after the due date, e.g. "0.0005". */
  readonly dailyRate: DecimalInput;
  /** Business date to evaluate at; default the due date. */
  readonly asOfDate?: IsoDate;
  readonly rounding?: RoundingMode;
}

export type RevolvingStatus = 'paid-in-full' | 'open' | 'overdue';

export interface RevolvingStatement {
  readonly currency: string;
  /** The cycle is (cycleStart, statementDate]: cycleStart itself belongs to the previous cycle. */
  readonly cycleStart: IsoDate;
  readonly statementDate: IsoDate;
  readonly dueDate: IsoDate;
  readonly asOfDate: IsoDate;
  /** Purchases dated in (cycleStart, statementDate]. */
  readonly billedPurchases: readonly DatedAmount[];
  /** Purchases dated after statementDate (next statement). */
  readonly unbilledPurchases: readonly DatedAmount[];
  readonly statementBalance: Money;
  /** Repayments dated in (cycleStart, dueDate] (and ≤ asOfDate). */
  readonly paidByDueDate: Money;
  /** True when paidByDueDate ≥ statementBalance: the whole statement is interest-free. */
  readonly interestFree: boolean;
  readonly status: RevolvingStatus;
  /** Unpaid statement balance at the end of asOfDate. */
  readonly unpaidBalance: Money;
  /** Daily interest on the unpaid balance after the due date, rounded once. */
  readonly interest: Money;
  /** unpaidBalance + interest */
  readonly amountDue: Money;
  /** Repayments in excess of the statement balance (a credit for the next cycle). */
  readonly credit: Money;
}

const STATEMENT_MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

function statementDates(
  statementMonth: string,
  statementDay: number,
  dueDay: number,
): { cycleStart: IsoDate; statementDate: IsoDate; dueDate: IsoDate } {
  const match = STATEMENT_MONTH_PATTERN.exec(statementMonth);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) {
    throw new LendingMathError(LendingErrorCode.INVALID_DATE, 'statementMonth must be YYYY-MM', {
      value: String(statementMonth),
    });
  }
  const statementDate = dateInMonth(year, month, statementDay);
  const cycleStart = dateInMonth(year, month - 1, statementDay);
  const sameMonthDue = dateInMonth(year, month, dueDay);
  const dueDate =
    compareIsoDates(sameMonthDue, statementDate) > 0
      ? sameMonthDue
      : dateInMonth(year, month + 1, dueDay);
  return { cycleStart, statementDate, dueDate };
}

function byDate(a: DatedAmount, b: DatedAmount): number {
  return compareIsoDates(a.date, b.date);
}

/**
 * One revolving (Huabei-style) statement cycle. The rule implemented:
 *
 * 1. The cycle is (cycleStart, statementDate] where statementDate is `statementDay` of
 *    `statementMonth` and cycleStart is `statementDay` of the previous month (both clamped).
 *    Purchases in the cycle are billed; later purchases are `unbilledPurchases`; earlier ones
 *    are an error (they belong to an earlier statement). Balances carried from earlier
 *    statements are out of scope.
 * 2. dueDate = the first `dueDay` strictly after the statement date (statementDay 1, dueDay 9
 *    → 9th of the same month; statementDay 25, dueDay 9 → 9th of the next month).
 * 3. Repayments dated after cycleStart and on or before asOfDate count, in date order.
 * 4. Grace: if repayments dated ≤ dueDate cover the statement balance, the statement is
 *    interest-free (no retroactive interest on anything).
 * 5. Otherwise interest accrues on the UNPAID part only, from the day after the due date through
 *    asOfDate: Σ unpaid × days over the segments between later repayments (a repayment on day t
 *    lowers the balance from day t + 1: the repayment day itself is still charged), × dailyRate,
 *    rounded once (HALF_EVEN). Late repayments reduce the unpaid balance; interest is added on
 *    top (`amountDue`). No interest is charged before or on the due date.
 */
export function revolvingStatement(input: RevolvingStatementInput): RevolvingStatement {
  const { currency } = input;
  const zero = Money.zero(currency);
  const rate = toRate(input.dailyRate, 'dailyRate');
  const rounding = checkedRounding(input.rounding ?? DEFAULT_INTEREST_ROUNDING);
  const { cycleStart, statementDate, dueDate } = statementDates(
    input.statementMonth,
    input.statementDay,
    input.dueDay,
  );
  const asOfDate = input.asOfDate ?? dueDate;
  parseIsoDate(asOfDate, 'asOfDate');

  const check = (entries: readonly DatedAmount[], field: string) =>
    entries.forEach((entry, i) => {
      parseIsoDate(entry.date, `${field}[${i}].date`);
      assertPositiveMoney(entry.amount, `${field}[${i}].amount`);
      assertSameCurrency(currency, entry.amount, `${field}[${i}].amount`);
      if (compareIsoDates(entry.date, cycleStart) <= 0) {
        throw new LendingMathError(
          LendingErrorCode.INVALID_DATE,
          `${field}[${i}] is dated before this cycle`,
          { date: entry.date, cycleStart },
        );
      }
    });
  check(input.purchases, 'purchases');
  check(input.repayments, 'repayments');

  const purchases = [...input.purchases].sort(byDate);
  const billedPurchases = purchases.filter((p) => compareIsoDates(p.date, statementDate) <= 0);
  const unbilledPurchases = purchases.filter((p) => compareIsoDates(p.date, statementDate) > 0);
  const statementBalance = Money.sum(
    currency,
    billedPurchases.map((p) => p.amount),
  );

  const repayments = [...input.repayments]
    .filter((r) => compareIsoDates(r.date, asOfDate) <= 0)
    .sort(byDate);
  const paidByDueDate = Money.sum(
    currency,
    repayments.filter((r) => compareIsoDates(r.date, dueDate) <= 0).map((r) => r.amount),
  );
  const totalRepaid = Money.sum(
    currency,
    repayments.map((r) => r.amount),
  );
  const interestFree = paidByDueDate.greaterThanOrEqual(statementBalance);
  const unpaidBalance = maxMoney(statementBalance.subtract(totalRepaid), zero);
  const credit = maxMoney(totalRepaid.subtract(statementBalance), zero);

  let interest = zero;
  if (!interestFree && compareIsoDates(asOfDate, dueDate) > 0) {
    let balance = statementBalance.subtract(paidByDueDate);
    let cursor = dueDate;
    let balanceDays = new MoneyDecimal(0);
    for (const repayment of repayments) {
      if (compareIsoDates(repayment.date, dueDate) <= 0) {
        continue;
      }
      balanceDays = balanceDays.plus(balance.amount.times(daysBetween(cursor, repayment.date)));
      balance = maxMoney(balance.subtract(repayment.amount), zero);
      cursor = repayment.date;
    }
    balanceDays = balanceDays.plus(balance.amount.times(daysBetween(cursor, asOfDate)));
    interest = Money.round(balanceDays.times(rate), currency, rounding);
  }

  const status: RevolvingStatus = interestFree
    ? 'paid-in-full'
    : compareIsoDates(asOfDate, dueDate) > 0
      ? 'overdue'
      : 'open';
  return {
    currency,
    cycleStart,
    statementDate,
    dueDate,
    asOfDate,
    billedPurchases,
    unbilledPurchases,
    statementBalance,
    paidByDueDate,
    interestFree,
    status,
    unpaidBalance,
    interest,
    amountDue: unpaidBalance.add(interest),
    credit,
  };
}
