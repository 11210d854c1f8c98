import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Scorecard, loadScorecard } from '@credit/scorecard';
import { scoreBandProblems } from '../domain/score-bands';

/** The committed, trained artifact beside the sources (`npm run train:scorecard` writes it). */
export const ScorecardArtifactPath = path.resolve(__dirname, '..', 'model', 'scorecard-v1.json');

/** Injection token of the scorecard: loaded once at boot, never read again per request. */
export const SCORECARD = Symbol('SCORECARD');

/**
 * Reads and validates the artifact, and checks the score-band table against its cutoff. Any
 * problem stops the boot: a service must not decide with a model it cannot vouch for.
 */
export function loadScorecardArtifact(file: string = ScorecardArtifactPath): Scorecard {
  const card = loadScorecard(JSON.parse(readFileSync(file, 'utf8')));
  const problems = scoreBandProblems(card.fairness.cutoffScore);
  if (problems.length > 0) {
    throw new Error(
      `score bands do not fit ${card.modelVersion} (cutoff ${card.fairness.cutoffScore}): ${problems.join('; ')}`,
    );
  }
  return card;
}
