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

/**
 * One curve per origination month up to `asOfMonth`: cumulative 30+ and charge-off rates by
 * months on book (0 = the origination month), each point counting events up to that month end.
 */
export function vintageCurves(
  currency: string,
  asOfMonth: string,
  loans: readonly VintageLoan[],
): VintageCurve[] {
  const byVintage = new Map<string, VintageLoan[]>();
  for (const loan of loans) {
    if (monthsBetween(loan.originationMonth, asOfMonth) < 0) continue;
    byVintage.set(loan.originationMonth, [...(byVintage.get(loan.originationMonth) ?? []), loan]);
  }
  return [...byVintage.keys()].sort().map((vintage) => {
    const cohort = byVintage.get(vintage) ?? [];
    const principal = Money.sum(
      currency,
      cohort.map((l) => l.principal),
    );
    const by = (month: string | null, mob: number) =>
      month !== null && monthsBetween(vintage, month) <= mob;
    const points: VintagePoint[] = [];
    for (let mob = 0; mob <= monthsBetween(vintage, asOfMonth); mob++) {
      const ever30 = cohort.filter((l) => by(l.first30PlusMonth, mob));
      const chargedOff = Money.sum(
        currency,
        cohort.flatMap((l) => (l.chargedOff && by(l.chargedOffMonth, mob) ? [l.chargedOff] : [])),
      );
      points.push({
        monthsOnBook: mob,
        ever30PlusByCount: rate(ever30.length, cohort.length),
        ever30PlusByBalance: rate(
          Money.sum(
            currency,
            ever30.map((l) => l.principal),
          ).amount,
          principal.amount,
        ),
        chargeOffRate: rate(chargedOff.amount, principal.amount),
      });
    }
    return {
      originationMonth: vintage,
      loans: cohort.length,
      principal: principal.toString(),
      points,
    };
  });
}
