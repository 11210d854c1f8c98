import { type Decimal, MoneyDecimal } from '@credit/money';
import { rate } from './ratio';

/** A bin's share stands in for an empty one (0 would make ln(a/e) infinite), as is usual for PSI. */
export const EmptyBinShare = '0.0001';

/** How a population stability index reads: below 0.1 stable, to 0.25 shifting, above shifted. */
export type Stability = 'stable' | 'shifting' | 'shifted';

export interface ScoreBins {
  /** Ascending cut points: bin i holds scores in [edges[i-1], edges[i]); the last bin is open. */
  readonly edges: readonly number[];
}

export interface PopulationStability {
  /** Σ (actual − expected) × ln(actual / expected) over the bins, 6 places half-even. */
  readonly index: string;
  readonly reading: Stability;
  readonly bins: readonly { expectedShare: string; actualShare: string }[];
}

/**
 * The population stability index of live scores (`actual`) against a reference sample
 * (`expected`), both as counts per bin. Empty bins count as `EmptyBinShare`.
 */
export function populationStability(
  expected: readonly number[],
  actual: readonly number[],
): PopulationStability {
  if (expected.length !== actual.length || expected.length < 2)
    throw new Error('expected and actual need the same bins, at least two');
  const share = (counts: readonly number[], index: number): Decimal => {
    const total = counts.reduce((sum, c) => sum + c, 0);
    const count = counts[index] ?? 0;
    return count === 0 || total === 0
      ? new MoneyDecimal(EmptyBinShare)
      : new MoneyDecimal(count).dividedBy(total);
  };
  let index = new MoneyDecimal(0);
  for (let bin = 0; bin < expected.length; bin++) {
    const e = share(expected, bin);
    const a = share(actual, bin);
    index = index.plus(a.minus(e).times(a.dividedBy(e).ln()));
  }
  const reading: Stability = index.lessThan('0.1')
    ? 'stable'
    : index.lessThanOrEqualTo('0.25')
      ? 'shifting'
      : 'shifted';
  return {
    index: rate(index, 1),
    reading,
    bins: expected.map((_, bin) => ({
      expectedShare: rate(
        expected[bin] ?? 0,
        expected.reduce((s, c) => s + c, 0),
      ),
      actualShare: rate(
        actual[bin] ?? 0,
        actual.reduce((s, c) => s + c, 0),
      ),
    })),
  };
}

/** Approval rate per group of live decisions, and the largest gap between two groups. */
export function approvalRateGap(decisions: readonly { group: string; approved: boolean }[]): {
  groups: Record<string, { decisions: number; approved: number; approvalRate: string }>;
  maxGap: string;
} {
  const groups: Record<string, { decisions: number; approved: number; approvalRate: string }> = {};
  const tally = new Map<string, { decisions: number; approved: number }>();
  for (const d of decisions) {
    const t = tally.get(d.group) ?? { decisions: 0, approved: 0 };
    t.decisions++;
    if (d.approved) t.approved++;
    tally.set(d.group, t);
  }
  const rates: Decimal[] = [];
  for (const [group, t] of [...tally.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    groups[group] = { ...t, approvalRate: rate(t.approved, t.decisions) };
    rates.push(new MoneyDecimal(t.approved).dividedBy(t.decisions));
  }
  const maxGap =
    rates.length < 2
      ? new MoneyDecimal(0)
      : MoneyDecimal.max(...rates).minus(MoneyDecimal.min(...rates));
  return { groups, maxGap: rate(maxGap, 1) };
}

/** Population stability of a model's live scores against its training sample, bin by bin. */
export interface ModelStability extends Omit<PopulationStability, 'bins'> {
  readonly modelVersion: string;
  readonly from: string;
  readonly to: string;
  readonly reference: { readonly population: string; readonly scores: number };
  readonly liveScores: number;
  readonly scoreBins: readonly {
    /** The bin's lowest score (null: open below) and the first score of the next (null: open above). */
    readonly from: number | null;
    readonly below: number | null;
    readonly expected: number;
    readonly actual: number;
    readonly expectedShare: string;
    readonly actualShare: string;
  }[];
}

/**
 * The model-stability report: the reference counts (training sample) and the live counts in the
 * same bins (edges as `ScoreBins`), the index and its reading. Without a live score there is
 * nothing to compare: the caller answers that instead.
 */
export function modelStability(
  model: {
    modelVersion: string;
    population: string;
    edges: readonly number[];
    counts: readonly number[];
  },
  live: readonly number[],
  window: { from: string; to: string },
): ModelStability {
  const { bins, ...stability } = populationStability(model.counts, live);
  const sum = (counts: readonly number[]) => counts.reduce((s, c) => s + c, 0);
  return {
    modelVersion: model.modelVersion,
    from: window.from,
    to: window.to,
    reference: { population: model.population, scores: sum(model.counts) },
    liveScores: sum(live),
    ...stability,
    scoreBins: bins.map((bin, i) => ({
      from: i === 0 ? null : (model.edges[i - 1] ?? null),
      below: model.edges[i] ?? null,
      expected: model.counts[i] ?? 0,
      actual: live[i] ?? 0,
      ...bin,
    })),
  };
}

/** The report as CSV: one line per score bin, the index on each. */
export function modelStabilityCsv(report: ModelStability): string {
  const lines = [
    'model_version,from,to,bin_from,bin_below,expected,actual,expected_share,actual_share,psi,reading',
  ];
  for (const bin of report.scoreBins) {
    lines.push(
      [
        report.modelVersion,
        report.from,
        report.to,
        bin.from ?? '',
        bin.below ?? '',
        bin.expected,
        bin.actual,
        bin.expectedShare,
        bin.actualShare,
        report.index,
        report.reading,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
