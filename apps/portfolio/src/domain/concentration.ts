import { Money } from '@credit/money';
import { rate } from './ratio';

/** Active loans of one product and score band, and their outstanding. */
export interface ConcentrationCell {
  readonly product: string;
  readonly scoreBand: string;
  readonly loans: number;
  readonly outstanding: Money;
}

export interface ConcentrationGroup {
  readonly key: string;
  readonly loans: number;
  readonly outstanding: string;
  /** Share of the active book's outstanding, to 6 places, half-even. */
  readonly share: string;
}

export interface Concentration {
  readonly asOf: string;
  readonly currency: string;
  readonly loans: number;
  readonly outstanding: string;
  readonly byProduct: readonly ConcentrationGroup[];
  readonly byScoreBand: readonly ConcentrationGroup[];
}

function groupBy(
  currency: string,
  cells: readonly ConcentrationCell[],
  keyOf: (cell: ConcentrationCell) => string,
  total: Money,
): ConcentrationGroup[] {
  const keys = [...new Set(cells.map(keyOf))].sort();
  return keys.map((key) => {
    const inGroup = cells.filter((c) => keyOf(c) === key);
    const outstanding = Money.sum(
      currency,
      inGroup.map((c) => c.outstanding),
    );
    return {
      key,
      loans: inGroup.reduce((sum, c) => sum + c.loans, 0),
      outstanding: outstanding.toString(),
      share: rate(outstanding.amount, total.amount),
    };
  });
}

/** Where the active book's outstanding sits: by product and by the score band of its decision. */
export function concentration(
  asOf: string,
  currency: string,
  cells: readonly ConcentrationCell[],
): Concentration {
  const total = Money.sum(
    currency,
    cells.map((c) => c.outstanding),
  );
  return {
    asOf,
    currency,
    loans: cells.reduce((sum, c) => sum + c.loans, 0),
    outstanding: total.toString(),
    byProduct: groupBy(currency, cells, (c) => c.product, total),
    byScoreBand: groupBy(currency, cells, (c) => c.scoreBand, total),
  };
}

/** The report as CSV: one line per group, products first. */
export function concentrationCsv(report: Concentration): string {
  const lines = ['as_of,currency,dimension,key,loans,outstanding,share'];
  for (const [dimension, groups] of [
    ['product', report.byProduct],
    ['score_band', report.byScoreBand],
  ] as const)
    for (const g of groups)
      lines.push(
        [report.asOf, report.currency, dimension, g.key, g.loans, g.outstanding, g.share].join(','),
      );
  return `${lines.join('\n')}\n`;
}
