import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applicantFromArffRow, loadScorecard, parseArff, scoreApplicant } from '@credit/scorecard';
import type { CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';

/** The committed scorecard artifact (`npm run train:scorecard` writes it). */
export const DefaultScorecardPath = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'scoring',
  'src',
  'model',
  'scorecard-v1.json',
);

const Usage = 'usage: score --arff <file> [--json] [--model <scorecard.json>]\n';

/**
 * `score --arff <file> [--json] [--model <path>]`: scores every applicant of an ARFF file with the
 * Statlog attributes (the `class` column and the protected columns are ignored) using the
 * committed scorecard. `--json` prints only the JSON array, in input order.
 */
export function score(context: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, { arff: 'string', model: 'string', json: 'boolean' }, Usage);
  const { arff, model = DefaultScorecardPath, json = false } = flags;
  if (arff === undefined) throw new UsageError('--arff is required', Usage);
  const card = loadScorecard(JSON.parse(readFileSync(model, 'utf8')));
  const document = parseArff(readFileSync(arff, 'utf8'));
  const results = document.rows.map((row) => {
    const { score: points, pd, reasons } = scoreApplicant(card, applicantFromArffRow(row));
    return { line: row.line, result: { score: points, pd, reasons } };
  });
  if (json) {
    context.out(
      JSON.stringify(
        results.map((r) => r.result),
        null,
        2,
      ),
    );
    return Promise.resolve(0);
  }
  context.out(`${card.modelVersion}: ${results.length} applicants from ${arff}`);
  for (const { line, result } of results) {
    context.out(
      `line ${String(line).padEnd(6)} score ${String(result.score).padStart(4)}  pd ${result.pd}  ${result.reasons.join(', ')}`,
    );
  }
  return Promise.resolve(0);
}
