/**
 * Discrimination of a score where higher means lower risk. Statistics, plain JS numbers.
 */

export interface ScoredOutcome {
  readonly score: number;
  readonly bad: boolean;
}

/** The outcomes in ascending score and the counts of goods and bads; `metric` needs both. */
function byScore(outcomes: readonly ScoredOutcome[], metric: string) {
  const sorted = [...outcomes].sort((a, b) => a.score - b.score);
  const goods = outcomes.filter((o) => !o.bad).length;
  const bads = outcomes.length - goods;
  if (goods === 0 || bads === 0) throw new Error(`${metric} needs both goods and bads`);
  return { sorted, goods, bads };
}

/**
 * Area under the ROC curve = P(score of a random good > score of a random bad), ties counted
 * one half (Mann–Whitney U with average ranks).
 */
export function auc(outcomes: readonly ScoredOutcome[]): number {
  const { sorted, goods, bads } = byScore(outcomes, 'auc');
  let rankSumGood = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end < sorted.length && sorted[end]?.score === sorted[start]?.score) end += 1;
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) if (!sorted[i]?.bad) rankSumGood += averageRank;
    start = end;
  }
  return (rankSumGood - (goods * (goods + 1)) / 2) / (goods * bads);
}

/** Kolmogorov–Smirnov: the largest gap between the score distributions of bads and goods. */
export function ks(outcomes: readonly ScoredOutcome[]): number {
  const { sorted, goods, bads } = byScore(outcomes, 'ks');
  let seenGood = 0;
  let seenBad = 0;
  let best = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const o = sorted[i] as ScoredOutcome;
    if (o.bad) seenBad += 1;
    else seenGood += 1;
    if (sorted[i + 1]?.score === o.score) continue;
    best = Math.max(best, Math.abs(seenBad / bads - seenGood / goods));
  }
  return best;
}

/** Gini (accuracy ratio) = 2·AUC − 1. */
export function gini(outcomes: readonly ScoredOutcome[]): number {
  return 2 * auc(outcomes) - 1;
}
