import { createHash } from 'node:crypto';
import {
  type Applicant,
  ApplicantFeatures,
  type FeatureField,
  FeatureFields,
  ForeignWorkers,
  PersonalStatuses,
  type ProtectedCharacteristics,
  ProtectedArffColumns,
  applicantFromArffRow,
  type Scorecard,
  type ScorecardAttribute,
  parseArff,
  protectedFromArffRow,
  totalScore,
} from '@credit/scorecard';
import { type BinMatch, type WoeTable, binCategorical, binNumeric } from './binning';
import { fitLogistic } from './logistic';
import { type ScoredOutcome, auc, gini, ks } from './metrics';

/** Every choice the training makes, in one place (and recorded in the artifact). */
export const ScorecardTrainingOptions = {
  modelVersion: 'scorecard-v1',
  /** Within each class, the row with index i (0-based, file order) is validation when i % 5 = 4. */
  validationEvery: 5,
  minBinShare: 0.05,
  initialNumericBins: 10,
  laplaceSmoothing: 0.5,
  minInformationValue: 0.02,
  l2Penalty: 0.1,
  maxNewtonIterations: 50,
  newtonTolerance: 1e-10,
  baseScore: 600,
  /** good:bad odds at the base score. */
  baseOdds: 50,
  /** Points to double the odds. */
  pdo: 20,
  /** The fairness check approves the highest scores until about this share is approved. */
  targetApprovalRate: 0.7,
  /** Score bins of the reference distribution live scores are compared with (PSI): deciles. */
  referenceScoreBins: 10,
} as const;

export type TrainingOptions = typeof ScorecardTrainingOptions;

export interface TrainingSource {
  /** A name for the artifact (the file's base name, not a machine-specific path). */
  readonly file: string;
  readonly text: string;
}

export interface TrainingRow {
  readonly line: number;
  readonly applicant: Applicant;
  readonly protectedCharacteristics: ProtectedCharacteristics;
  readonly bad: boolean;
}

/** Statistics go into the artifact with 6 decimals (ties away from zero never matter here). */
export function round6(value: number): number {
  const rounded = Math.round(value * 1e6) / 1e6;
  return rounded === 0 ? 0 : rounded;
}

/** Points are rounded to the nearest integer, ties away from zero. */
export function roundPoints(value: number): number {
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return rounded === 0 ? 0 : rounded;
}

export const PointsRounding = 'nearest integer, ties away from zero';

export function readTrainingRows(text: string): TrainingRow[] {
  const document = parseArff(text);
  const target = document.attributes.find((a) => a.name === 'class');
  if (!target || target.type !== 'nominal' || target.values.join(',') !== 'good,bad') {
    throw new Error('training data needs a nominal class attribute {good, bad}');
  }
  return document.rows.map((row) => {
    const outcome = row.values.class;
    if (outcome !== 'good' && outcome !== 'bad') {
      throw new Error(`line ${row.line}: class is missing`);
    }
    return {
      line: row.line,
      applicant: applicantFromArffRow(row),
      protectedCharacteristics: protectedFromArffRow(row),
      bad: outcome === 'bad',
    };
  });
}

/** Fixed stratified split: the every-`every`th row of each class (file order) is validation. */
export function stratifiedSplit<T extends { bad: boolean }>(rows: readonly T[], every: number) {
  const seen = { good: 0, bad: 0 };
  const training: T[] = [];
  const validation: T[] = [];
  for (const row of rows) {
    const key = row.bad ? 'bad' : 'good';
    (seen[key] % every === every - 1 ? validation : training).push(row);
    seen[key] += 1;
  }
  return { training, validation };
}

function numericValue(applicant: Applicant, field: FeatureField): number {
  const value = applicant[field];
  return typeof value === 'number' ? value : Number(value);
}

/** Coarse classing of one attribute on the training rows. */
export function binAttribute(
  field: FeatureField,
  rows: readonly TrainingRow[],
  options: TrainingOptions,
): WoeTable {
  const spec = ApplicantFeatures[field];
  if (spec.type === 'categorical') {
    const observations = rows.map((r) => ({ value: String(r.applicant[field]), bad: r.bad }));
    return binCategorical(field, spec.categories, observations, options);
  }
  const observations = rows.map((r) => ({ value: numericValue(r.applicant, field), bad: r.bad }));
  return binNumeric(field, observations, options);
}

function binIndex(field: FeatureField, table: WoeTable, applicant: Applicant): number {
  const value = applicant[field];
  const index = table.bins.findIndex(({ match }: { match: BinMatch }) => {
    if ('categories' in match) return match.categories.includes(String(value));
    const number = numericValue(applicant, field);
    return (
      (match.min === null || number >= match.min) && (match.max === null || number < match.max)
    );
  });
  if (index < 0) throw new Error(`${field}: no bin for ${String(value)}`);
  return index;
}

interface Selection {
  column: string;
  field: string | null;
  iv: number | null;
  selected: boolean;
  reason: string;
}

/**
 * Logistic regression of bad (1) on the WoE of the candidates. With WoE = ln(good/bad) every
 * coefficient should be negative; while one is not (collinearity), the attribute with the
 * largest coefficient leaves and the model is refitted.
 */
function fitWithSignCheck(
  candidates: FeatureField[],
  tables: ReadonlyMap<FeatureField, WoeTable>,
  rows: readonly TrainingRow[],
  options: TrainingOptions,
  dropped: Map<FeatureField, string>,
) {
  let fields = [...candidates];
  for (;;) {
    const x = rows.map((row) =>
      fields.map((field) => {
        const table = tables.get(field) as WoeTable;
        return table.bins[binIndex(field, table, row.applicant)]?.woe ?? 0;
      }),
    );
    const fit = fitLogistic(
      x,
      rows.map((r) => (r.bad ? 1 : 0)),
      {
        l2Penalty: options.l2Penalty,
        maxIterations: options.maxNewtonIterations,
        tolerance: options.newtonTolerance,
      },
    );
    let worst = -1;
    fit.coefficients.forEach((beta, index) => {
      if (beta >= 0 && (worst < 0 || beta > (fit.coefficients[worst] ?? 0))) worst = index;
    });
    if (worst < 0) return { fields, fit };
    const field = fields[worst] as FeatureField;
    dropped.set(field, 'coefficient with the wrong sign after the others were fitted');
    fields = fields.filter((f) => f !== field);
  }
}

function performance(card: Pick<Scorecard, 'attributes'>, rows: readonly TrainingRow[]) {
  const outcomes: ScoredOutcome[] = rows.map((r) => ({
    score: totalScore(card, r.applicant),
    bad: r.bad,
  }));
  return {
    rows: rows.length,
    badRate: round6(rows.filter((r) => r.bad).length / rows.length),
    auc: round6(auc(outcomes)),
    ks: round6(ks(outcomes)),
    gini: round6(gini(outcomes)),
  };
}

/** The cutoff whose approval rate is closest to the target (ties: the higher, stricter cutoff). */
export function chooseCutoff(scores: readonly number[], target: number): number {
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  let best = distinct[0] ?? 0;
  let bestGap = Infinity;
  for (const cutoff of distinct) {
    const rate = scores.filter((s) => s >= cutoff).length / scores.length;
    const gap = Math.abs(rate - target);
    if (gap < bestGap - 1e-12) {
      best = cutoff;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * The reference distribution of the training rows' scores: cut points at the deciles (the score at
 * index ⌊i·n/bins⌋ of the ascending scores, repeats dropped: tied scores share a bin) and how many
 * scores fall in each bin — bin i holds [edges[i−1], edges[i]), the first is open below and the
 * last above. Live scores are counted into the same bins to measure population stability.
 */
export function referenceScores(
  scores: readonly number[],
  bins: number,
): { edges: number[]; counts: number[] } {
  const sorted = [...scores].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const cut = sorted[Math.floor((i * sorted.length) / bins)];
    const last = edges[edges.length - 1];
    if (cut !== undefined && (last === undefined || cut > last)) edges.push(cut);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const score of sorted) {
    const bin = edges.filter((edge) => edge <= score).length;
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return { edges, counts };
}

function approvalByGroup(
  rows: readonly { group: string; approved: boolean }[],
  categories: readonly string[],
) {
  const groups: Record<string, { count: number; approved: number; approvalRate: number }> = {};
  for (const category of categories) {
    const members = rows.filter((r) => r.group === category);
    if (members.length === 0) continue;
    const approved = members.filter((r) => r.approved).length;
    groups[category] = {
      count: members.length,
      approved,
      approvalRate: round6(approved / members.length),
    };
  }
  const rates = Object.values(groups).map((g) => g.approvalRate);
  return { groups, maxDifference: round6(Math.max(...rates) - Math.min(...rates)) };
}

/**
 * Trains the scorecard from the ARFF text: split, coarse classing with WoE, IV selection,
 * logistic regression, PDO scaling, validation metrics, fairness at the approval cutoff.
 * Pure and deterministic: the same text gives the same (deep-equal) artifact.
 */
export function buildScorecard(
  source: TrainingSource,
  options: TrainingOptions = ScorecardTrainingOptions,
): Scorecard {
  const rows = readTrainingRows(source.text);
  const { training, validation } = stratifiedSplit(rows, options.validationEvery);

  const tables = new Map<FeatureField, WoeTable>();
  const dropped = new Map<FeatureField, string>();
  const candidates: FeatureField[] = [];
  for (const field of FeatureFields) {
    const table = binAttribute(field, training, options);
    tables.set(field, table);
    if (table.iv >= options.minInformationValue) candidates.push(field);
    else dropped.set(field, `information value below ${options.minInformationValue}`);
  }
  const { fields, fit } = fitWithSignCheck(candidates, tables, training, options, dropped);

  const factor = options.pdo / Math.LN2;
  const offset = options.baseScore - factor * Math.log(options.baseOdds);
  const n = fields.length;
  const attributes: ScorecardAttribute[] = fields.map((field, index) => {
    const table = tables.get(field) as WoeTable;
    const beta = fit.coefficients[index] ?? 0;
    return {
      field,
      type: ApplicantFeatures[field].type,
      coefficient: round6(beta),
      iv: round6(table.iv),
      bins: table.bins.map((bin) => ({
        label: bin.label,
        match: bin.match,
        woe: round6(bin.woe),
        points: roundPoints(-(beta * bin.woe + fit.intercept / n) * factor + offset / n),
        count: bin.good + bin.bad,
        badRate: round6(bin.badRate),
      })),
    };
  });

  const fieldByColumn = new Map(FeatureFields.map((f) => [ApplicantFeatures[f].arff, f]));
  const columns = parseArff(source.text)
    .attributes.map((a) => a.name)
    .filter((name) => name !== 'class');
  const attributeSelection: Selection[] = columns.map((column) => {
    if (ProtectedArffColumns.includes(column)) {
      return {
        column,
        field: null,
        iv: null,
        selected: false,
        reason: 'protected characteristic: used only to measure fairness',
      };
    }
    const field = fieldByColumn.get(column);
    if (!field) throw new Error(`training data has an unmapped column ${column}`);
    const selected = fields.includes(field);
    return {
      column,
      field,
      iv: round6(tables.get(field)?.iv ?? 0),
      selected,
      reason: selected
        ? `information value >= ${options.minInformationValue}`
        : (dropped.get(field) ?? 'not selected'),
    };
  });

  const scored = { attributes };
  const scores = rows.map((r) => totalScore(scored, r.applicant));
  const cutoffScore = chooseCutoff(scores, options.targetApprovalRate);
  const decisions = rows.map((r, i) => ({ row: r, approved: (scores[i] ?? 0) >= cutoffScore }));
  const approved = decisions.filter((d) => d.approved);
  const byPersonalStatus = approvalByGroup(
    decisions.map((d) => ({
      group: d.row.protectedCharacteristics.personalStatus,
      approved: d.approved,
    })),
    PersonalStatuses,
  );
  const byForeignWorker = approvalByGroup(
    decisions.map((d) => ({
      group: d.row.protectedCharacteristics.foreignWorker,
      approved: d.approved,
    })),
    ForeignWorkers,
  );

  const reference = referenceScores(
    training.map((r) => totalScore(scored, r.applicant)),
    options.referenceScoreBins,
  );
  return {
    modelVersion: options.modelVersion,
    trainedOn: {
      file: source.file,
      sha256: createHash('sha256').update(source.text, 'utf8').digest('hex'),
      rows: rows.length,
    },
    training: {
      split: `stratified by class in file order: row i of its class is validation when i % ${options.validationEvery} = ${options.validationEvery - 1}`,
      trainingRows: training.length,
      validationRows: validation.length,
      minBinShare: options.minBinShare,
      initialNumericBins: options.initialNumericBins,
      laplaceSmoothing: options.laplaceSmoothing,
      minInformationValue: options.minInformationValue,
      l2Penalty: options.l2Penalty,
      newtonIterations: fit.iterations,
      woeDefinition: 'ln(share of goods / share of bads), counts + smoothing per bin',
    },
    scaling: {
      baseScore: options.baseScore,
      baseOdds: options.baseOdds,
      pdo: options.pdo,
      factor: round6(factor),
      offset: round6(offset),
      pointsRounding: `points = -(coefficient * woe + intercept / n) * factor + offset / n, ${PointsRounding}`,
      pd: 'pd = 1 / (1 + exp((score - offset) / factor))',
    },
    intercept: round6(fit.intercept),
    attributes,
    attributeSelection,
    metrics: {
      training: performance(scored, training),
      validation: performance(scored, validation),
    },
    referenceScores: {
      population: `the ${training.length} training rows`,
      binRule:
        'bin i holds scores in [edges[i-1], edges[i]); the first is open below, the last above',
      ...reference,
    },
    fairness: {
      population: `all ${rows.length} rows of ${source.file}`,
      targetApprovalRate: options.targetApprovalRate,
      cutoffScore,
      approvalRate: round6(approved.length / rows.length),
      badRateAmongApproved: round6(approved.filter((d) => d.row.bad).length / approved.length),
      approvalRateByGroup: {
        personal_status: byPersonalStatus.groups,
        foreign_worker: byForeignWorker.groups,
      },
      maxDifference: {
        personal_status: byPersonalStatus.maxDifference,
        foreign_worker: byForeignWorker.maxDifference,
      },
    },
  };
}
