/**
 * The portfolio's score bands: the scorecard's points (higher is safer) cut where scoring's price
 * tiers change (apps/scoring/src/domain/score-bands.ts for scorecard-v1): A from 560, B from 520,
 * C from 506, R the referred band around the cutoff (486–505, approved by an operator), E below.
 * Reports group by these; a decision without a score is band `none`.
 */
export const ScoreBandFloors: readonly { readonly band: string; readonly minScore: number }[] = [
  { band: 'A', minScore: 560 },
  { band: 'B', minScore: 520 },
  { band: 'C', minScore: 506 },
  { band: 'R', minScore: 486 },
];

export const ScoreBandNames = [...ScoreBandFloors.map((b) => b.band), 'E', 'none'] as const;

export function scoreBandOf(score: number | null): string {
  if (score === null) return 'none';
  return ScoreBandFloors.find((b) => score >= b.minScore)?.band ?? 'E';
}
