import { Money } from '@credit/money';
import { monthsBetween } from './position';
import { rate } from './ratio';

/** A loan's life in months, as the vintage curves need it. */
export interface VintageLoan {
  readonly loanId: string;
  /** `YYYY-MM` of the disbursement. */
  readonly originationMonth: string;
  readonly principal: Money;
  /** `YYYY-MM` of the first month end the loan was more than 30 days past due; null: never. */
  readonly first30PlusMonth: string | null;
  /** `YYYY-MM` of the charge-off and what was written off; null: not charged off. */
  readonly chargedOffMonth: string | null;
  readonly chargedOff: Money | null;
}

export interface VintagePoint {
  readonly monthsOnBook: number;
  /** Share of the vintage's loans (and of its principal) ever 30+ by this month on book. */
  readonly ever30PlusByCount: string;
  readonly ever30PlusByBalance: string;
  /** Principal written off by this month on book over the vintage's principal. */
  readonly chargeOffRate: string;
}

export interface VintageCurve {
  readonly originationMonth: string;
  readonly loans: number;
  readonly principal: string;
  readonly points: readonly VintagePoint[];
}

/** What the curves are drawn from, counted per origination month (the service sums it in SQL). */
export interface VintageCounts {
  readonly cohorts: readonly { vintage: string; loans: number; principal: Money }[];
  /** Loans first more than 30 days past due in `month`, and their principal. */
  readonly ever30: readonly { vintage: string; month: string; loans: number; principal: Money }[];
  /** Principal written off in `month`. */
  readonly chargeOffs: readonly { vintage: string; month: string; amount: Money }[];
}

/** The counts of loans one by one: the reference the SQL's sums are checked against. */
export function vintageCounts(currency: string, loans: readonly VintageLoan[]): VintageCounts {
  const cohorts = new Map<string, { vintage: string; loans: number; principal: Money }>();
  const ever30 = new Map<
    string,
    { vintage: string; month: string; loans: number; principal: Money }
  >();
  const chargeOffs = new Map<string, { vintage: string; month: string; amount: Money }>();
  for (const loan of loans) {
    const vintage = loan.originationMonth;
    const cohort = cohorts.get(vintage) ?? { vintage, loans: 0, principal: Money.zero(currency) };
    cohorts.set(vintage, {
      ...cohort,
      loans: cohort.loans + 1,
      principal: cohort.principal.add(loan.principal),
    });
    if (loan.first30PlusMonth !== null) {
      const key = `${vintage}>${loan.first30PlusMonth}`;
      const e = ever30.get(key) ?? {
        vintage,
        month: loan.first30PlusMonth,
        loans: 0,
        principal: Money.zero(currency),
      };
      ever30.set(key, { ...e, loans: e.loans + 1, principal: e.principal.add(loan.principal) });
    }
    if (loan.chargedOffMonth !== null && loan.chargedOff !== null) {
      const key = `${vintage}>${loan.chargedOffMonth}`;
      const c = chargeOffs.get(key) ?? {
        vintage,
        month: loan.chargedOffMonth,
        amount: Money.zero(currency),
      };
      chargeOffs.set(key, { ...c, amount: c.amount.add(loan.chargedOff) });
    }
  }
  return {
    cohorts: [...cohorts.values()],
    ever30: [...ever30.values()],
    chargeOffs: [...chargeOffs.values()],
  };
}

/**
 * One curve per origination month up to `asOfMonth`: cumulative 30+ and charge-off rates by
 * months on book (0 = the origination month), each point counting events up to that month end.
 */
export function vintageCurvesFromCounts(
  currency: string,
  asOfMonth: string,
  counts: VintageCounts,
): VintageCurve[] {
  return counts.cohorts
    .filter((c) => monthsBetween(c.vintage, asOfMonth) >= 0)
    .sort((a, b) => a.vintage.localeCompare(b.vintage))
    .map((cohort) => {
      const { vintage } = cohort;
      const by = (month: string, mob: number) => monthsBetween(vintage, month) <= mob;
      const points: VintagePoint[] = [];
      for (let mob = 0; mob <= monthsBetween(vintage, asOfMonth); mob++) {
        const ever = counts.ever30.filter((e) => e.vintage === vintage && by(e.month, mob));
        const chargedOff = Money.sum(
          currency,
          counts.chargeOffs
            .filter((c) => c.vintage === vintage && by(c.month, mob))
            .map((c) => c.amount),
        );
        points.push({
          monthsOnBook: mob,
          ever30PlusByCount: rate(
            ever.reduce((sum, e) => sum + e.loans, 0),
            cohort.loans,
          ),
          ever30PlusByBalance: rate(
            Money.sum(
              currency,
              ever.map((e) => e.principal),
            ).amount,
            cohort.principal.amount,
          ),
          chargeOffRate: rate(chargedOff.amount, cohort.principal.amount),
        });
      }
      return {
        originationMonth: vintage,
        loans: cohort.loans,
        principal: cohort.principal.toString(),
        points,
      };
    });
}

/** The curves from loans one by one. */
export function vintageCurves(
  currency: string,
  asOfMonth: string,
  loans: readonly VintageLoan[],
): VintageCurve[] {
  return vintageCurvesFromCounts(currency, asOfMonth, vintageCounts(currency, loans));
}

/** The curves as CSV: one line per vintage and month on book. */
export function vintageCsv(currency: string, curves: readonly VintageCurve[]): string {
  const lines = [
    'currency,origination_month,loans,principal,months_on_book,ever_30_plus_by_count,ever_30_plus_by_balance,charge_off_rate',
  ];
  for (const c of curves)
    for (const p of c.points)
      lines.push(
        [
          currency,
          c.originationMonth,
          c.loans,
          c.principal,
          p.monthsOnBook,
          p.ever30PlusByCount,
          p.ever30PlusByBalance,
          p.chargeOffRate,
        ].join(','),
      );
  return `${lines.join('\n')}\n`;
}
