/**
 * Coarse classing with weight of evidence (WoE).
 *
 * WoE of a bin = ln(share of all goods in the bin / share of all bads in the bin), so a positive
 * WoE means lower risk than average. Counts get Laplace smoothing (+0.5 per bin) so an empty cell
 * never produces an infinite WoE. Information value IV = Σ (goodShare − badShare) · WoE.
 *
 * Statistics, not money: JS numbers are fine here.
 */

export interface BinningOptions {
  /** A bin (or category) holding fewer than this share of the rows is merged. */
  readonly minBinShare: number;
  /** Initial quantile bins of a numeric attribute, before merging. */
  readonly initialNumericBins: number;
  /** Added to the good and the bad count of every bin before computing WoE. */
  readonly laplaceSmoothing: number;
}

export interface Observation<V> {
  readonly value: V;
  readonly bad: boolean;
}

export type BinMatch = { min: number | null; max: number | null } | { categories: string[] };

export interface BinCounts {
  readonly match: BinMatch;
  readonly good: number;
  readonly bad: number;
}

export interface WoeBin extends BinCounts {
  readonly label: string;
  readonly woe: number;
  readonly badRate: number;
}

export interface WoeTable {
  readonly bins: WoeBin[];
  readonly iv: number;
}

function count(bin: BinCounts): number {
  return bin.good + bin.bad;
}

/** WoE of every bin and the IV, with the smoothing of `options`. */
function woeOf(bins: readonly BinCounts[], laplace: number): { woe: number[]; iv: number } {
  const goods = bins.reduce((s, b) => s + b.good, 0) + laplace * bins.length;
  const bads = bins.reduce((s, b) => s + b.bad, 0) + laplace * bins.length;
  let iv = 0;
  const woe = bins.map((b) => {
    const goodShare = (b.good + laplace) / goods;
    const badShare = (b.bad + laplace) / bads;
    const value = Math.log(goodShare / badShare);
    iv += (goodShare - badShare) * value;
    return value;
  });
  return { woe, iv };
}

function merge(a: BinCounts, b: BinCounts): BinCounts {
  const match: BinMatch =
    'categories' in a.match && 'categories' in b.match
      ? { categories: [...a.match.categories, ...b.match.categories] }
      : {
          min: 'min' in a.match ? a.match.min : null,
          max: 'max' in b.match ? b.match.max : null,
        };
  return { match, good: a.good + b.good, bad: a.bad + b.bad };
}

function formatBound(value: number): string {
  return String(value);
}

export function labelOf(match: BinMatch, field: string): string {
  if ('categories' in match) return match.categories.join(' | ');
  if (match.min === null && match.max === null) return `any ${field}`;
  if (match.min === null) return `${field} < ${formatBound(match.max ?? 0)}`;
  if (match.max === null) return `${field} >= ${formatBound(match.min)}`;
  return `${formatBound(match.min)} <= ${field} < ${formatBound(match.max)}`;
}

function finish(bins: readonly BinCounts[], field: string, laplace: number): WoeTable {
  const { woe, iv } = woeOf(bins, laplace);
  return {
    iv,
    bins: bins.map((b, i) => ({
      ...b,
      label: labelOf(b.match, field),
      woe: woe[i] ?? 0,
      badRate: count(b) === 0 ? 0 : b.bad / count(b),
    })),
  };
}

/** Bad rate with the same smoothing as WoE (orders bins when choosing where to merge). */
function smoothedBadRate(bin: BinCounts, laplace: number): number {
  return (bin.bad + laplace) / (count(bin) + 2 * laplace);
}

/**
 * One bin per category in declared order. Categories below `minBinShare` (including ones never
 * seen) are pooled into one "other" bin; a pool still below the minimum joins the bin with the
 * closest smoothed bad rate (ties: the earliest). Every declared category ends up in exactly one bin.
 */
export function binCategorical(
  field: string,
  categories: readonly string[],
  observations: readonly Observation<string>[],
  options: BinningOptions,
): WoeTable {
  const minCount = options.minBinShare * observations.length;
  const counts = categories.map((category): BinCounts => {
    let good = 0;
    let bad = 0;
    for (const o of observations) {
      if (o.value !== category) continue;
      if (o.bad) bad += 1;
      else good += 1;
    }
    return { match: { categories: [category] }, good, bad };
  });
  const unknown = observations.find((o) => !categories.includes(o.value));
  if (unknown) throw new Error(`${field}: value '${unknown.value}' is not a declared category`);

  const kept = counts.filter((b) => count(b) >= minCount);
  const rare = counts.filter((b) => count(b) < minCount);
  if (rare.length === 0) return finish(kept, field, options.laplaceSmoothing);
  const pool = rare.reduce(merge);
  if (count(pool) >= minCount || kept.length === 0) {
    return finish([...kept, pool], field, options.laplaceSmoothing);
  }
  const poolRate = smoothedBadRate(pool, options.laplaceSmoothing);
  let target = 0;
  kept.forEach((bin, index) => {
    const distance = Math.abs(smoothedBadRate(bin, options.laplaceSmoothing) - poolRate);
    const best = Math.abs(
      smoothedBadRate(kept[target] ?? bin, options.laplaceSmoothing) - poolRate,
    );
    if (distance < best) target = index;
  });
  const merged = kept.map((bin, index) => (index === target ? merge(bin, pool) : bin));
  return finish(merged, field, options.laplaceSmoothing);
}

/** Initial cut points at the quantiles of the observed values (each cut is an observed value). */
export function quantileCuts(values: readonly number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const smallest = sorted[0];
  const cuts: number[] = [];
  for (let q = 1; q < bins; q += 1) {
    const cut = sorted[Math.floor((q * sorted.length) / bins)];
    if (cut === undefined || cut === smallest) continue;
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] ?? -Infinity)) cuts.push(cut);
  }
  return cuts;
}

function countRanges(cuts: readonly number[], observations: readonly Observation<number>[]) {
  const bounds = [null, ...cuts, null];
  const bins: { match: { min: number | null; max: number | null }; good: number; bad: number }[] =
    [];
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    bins.push({ match: { min: bounds[i] ?? null, max: bounds[i + 1] ?? null }, good: 0, bad: 0 });
  }
  for (const o of observations) {
    const index = cuts.filter((c) => o.value >= c).length;
    const bin = bins[index];
    if (!bin) throw new Error('numeric binning: observation outside every range');
    if (o.bad) bin.bad += 1;
    else bin.good += 1;
  }
  return bins;
}

function isMonotonic(woe: readonly number[], direction: number): boolean {
  for (let i = 0; i + 1 < woe.length; i += 1) {
    if (((woe[i + 1] ?? 0) - (woe[i] ?? 0)) * direction <= 0) return false;
  }
  return true;
}

/**
 * Numeric coarse classing: quantile bins, then (1) the smallest bin below `minBinShare` merges
 * into the neighbour with the closer smoothed bad rate (ties: the left one), repeated; then (2)
 * while WoE is not strictly monotonic in the direction of the first-vs-last trend, the violating
 * adjacent pair with the smallest WoE gap merges (ties: the leftmost). Bins are half-open
 * [min, max); the first starts at −∞ (null) and the last ends at +∞ (null).
 */
export function binNumeric(
  field: string,
  observations: readonly Observation<number>[],
  options: BinningOptions,
): WoeTable {
  const laplace = options.laplaceSmoothing;
  const minCount = options.minBinShare * observations.length;
  let bins: BinCounts[] = countRanges(
    quantileCuts(
      observations.map((o) => o.value),
      options.initialNumericBins,
    ),
    observations,
  );

  for (;;) {
    if (bins.length < 2) break;
    let smallest = -1;
    bins.forEach((bin, index) => {
      if (count(bin) >= minCount) return;
      if (smallest < 0 || count(bin) < count(bins[smallest] ?? bin)) smallest = index;
    });
    if (smallest < 0) break;
    const bin = bins[smallest] as BinCounts;
    const left = bins[smallest - 1];
    const right = bins[smallest + 1];
    const rate = smoothedBadRate(bin, laplace);
    const useLeft =
      left !== undefined &&
      (right === undefined ||
        Math.abs(smoothedBadRate(left, laplace) - rate) <=
          Math.abs(smoothedBadRate(right, laplace) - rate));
    const at = useLeft ? smallest - 1 : smallest;
    bins = [
      ...bins.slice(0, at),
      merge(bins[at] as BinCounts, bins[at + 1] as BinCounts),
      ...bins.slice(at + 2),
    ];
  }

  for (;;) {
    const { woe } = woeOf(bins, laplace);
    const direction = (woe[woe.length - 1] ?? 0) >= (woe[0] ?? 0) ? 1 : -1;
    if (bins.length < 2 || isMonotonic(woe, direction)) break;
    let at = -1;
    let gap = Infinity;
    for (let i = 0; i + 1 < woe.length; i += 1) {
      const step = ((woe[i + 1] ?? 0) - (woe[i] ?? 0)) * direction;
      if (step <= 0 && Math.abs(step) < gap) {
        gap = Math.abs(step);
        at = i;
      }
    }
    bins = [
      ...bins.slice(0, at),
      merge(bins[at] as BinCounts, bins[at + 1] as BinCounts),
      ...bins.slice(at + 2),
    ];
  }
  return finish(bins, field, laplace);
}
