import { z } from 'zod';
import { type Decimal, MoneyDecimal } from '@credit/money';
import {
  type Applicant,
  ApplicantFeatures,
  type FeatureField,
  FeatureFields,
  isFeatureField,
} from './applicant';

/**
 * A points-based scorecard: each attribute of the applicant falls into one bin, each bin carries
 * integer points, the score is their sum, and higher means lower risk. The artifact
 * (`apps/scoring/src/model/scorecard-v1.json`) is built by `npm run train:scorecard`.
 */

/** How many reason codes a decision reports at most. */
export const ReasonCodesMax = 4;
/** Decimal places of the probability of default in results. */
export const PdDecimalPlaces = 4;

export class ScorecardError extends Error {
  constructor(
    readonly code: 'SCORING.INVALID_SCORECARD' | 'SCORING.UNMATCHED_VALUE',
    message: string,
  ) {
    super(message);
    this.name = 'ScorecardError';
  }
}

const numericMatchSchema = z.strictObject({
  /** Inclusive lower bound; null is −∞. */
  min: z.number().nullable(),
  /** Exclusive upper bound; null is +∞. */
  max: z.number().nullable(),
});
const categoricalMatchSchema = z.strictObject({ categories: z.array(z.string()).min(1) });

const binSchema = z.strictObject({
  label: z.string().min(1),
  match: z.union([numericMatchSchema, categoricalMatchSchema]),
  woe: z.number(),
  points: z.number().int(),
  count: z.number().int().nonnegative(),
  badRate: z.number().min(0).max(1),
});

const attributeSchema = z.strictObject({
  field: z.string().refine(isFeatureField, 'not a model-eligible applicant field'),
  type: z.enum(['categorical', 'numeric']),
  coefficient: z.number(),
  iv: z.number().nonnegative(),
  bins: z.array(binSchema).min(1),
});

const performanceSchema = z.strictObject({
  rows: z.number().int().positive(),
  badRate: z.number().min(0).max(1),
  auc: z.number().min(0).max(1),
  ks: z.number().min(0).max(1),
  gini: z.number().min(-1).max(1),
});

const groupSchema = z.strictObject({
  count: z.number().int().nonnegative(),
  approved: z.number().int().nonnegative(),
  approvalRate: z.number().min(0).max(1),
});

const scorecardSchema = z.strictObject({
  modelVersion: z.string().regex(/^scorecard-v\d+$/),
  trainedOn: z.strictObject({
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    rows: z.number().int().positive(),
  }),
  training: z.strictObject({
    split: z.string(),
    trainingRows: z.number().int().positive(),
    validationRows: z.number().int().positive(),
    minBinShare: z.number(),
    initialNumericBins: z.number().int().positive(),
    laplaceSmoothing: z.number(),
    minInformationValue: z.number(),
    l2Penalty: z.number(),
    newtonIterations: z.number().int().nonnegative(),
    woeDefinition: z.string(),
  }),
  scaling: z.strictObject({
    baseScore: z.number(),
    baseOdds: z.number().positive(),
    pdo: z.number().positive(),
    factor: z.number().positive(),
    offset: z.number(),
    pointsRounding: z.string(),
    pd: z.string(),
  }),
  intercept: z.number(),
  attributes: z.array(attributeSchema).min(1),
  attributeSelection: z.array(
    z.strictObject({
      column: z.string(),
      field: z.string().nullable(),
      iv: z.number().nullable(),
      selected: z.boolean(),
      reason: z.string(),
    }),
  ),
  metrics: z.strictObject({ training: performanceSchema, validation: performanceSchema }),
  /** The training sample's score distribution: what live scores are compared with (PSI). */
  referenceScores: z
    .strictObject({
      population: z.string(),
      binRule: z.string(),
      edges: z.array(z.number().int()).min(1),
      counts: z.array(z.number().int().nonnegative()),
    })
    .refine((r) => r.counts.length === r.edges.length + 1, {
      message: 'one count per bin: edges.length + 1',
    })
    .refine((r) => r.edges.every((edge, i) => i === 0 || edge > (r.edges[i - 1] ?? edge)), {
      message: 'edges ascend strictly',
    }),
  fairness: z.strictObject({
    population: z.string(),
    targetApprovalRate: z.number().min(0).max(1),
    cutoffScore: z.number().int(),
    approvalRate: z.number().min(0).max(1),
    badRateAmongApproved: z.number().min(0).max(1),
    approvalRateByGroup: z.strictObject({
      personal_status: z.record(z.string(), groupSchema),
      foreign_worker: z.record(z.string(), groupSchema),
    }),
    maxDifference: z.strictObject({
      personal_status: z.number().min(0).max(1),
      foreign_worker: z.number().min(0).max(1),
    }),
  }),
});

export type Scorecard = z.infer<typeof scorecardSchema>;
export type ScorecardAttribute = Scorecard['attributes'][number];
export type ScorecardBin = ScorecardAttribute['bins'][number];
export type NumericMatch = z.infer<typeof numericMatchSchema>;
export type CategoricalMatch = z.infer<typeof categoricalMatchSchema>;

function isNumericMatch(match: ScorecardBin['match']): match is NumericMatch {
  return 'min' in match;
}

/** Cross-field rules: bins of an attribute cover every value exactly once. */
function checkCoverage(attribute: ScorecardAttribute): string | null {
  // Refinements also run after a field failed its own check: skip what the schema rejects.
  if (!isFeatureField(attribute.field)) return null;
  const spec = ApplicantFeatures[attribute.field];
  if (spec.type !== attribute.type) return `${attribute.field} must be ${spec.type}`;
  if (spec.type === 'categorical') {
    const seen: string[] = [];
    for (const bin of attribute.bins) {
      if (isNumericMatch(bin.match))
        return `${attribute.field}: bin ${bin.label} is not a category set`;
      seen.push(...bin.match.categories);
    }
    const missing = spec.categories.filter((c) => !seen.includes(c));
    if (missing.length) return `${attribute.field}: no bin for ${missing.join(', ')}`;
    if (seen.length !== spec.categories.length) {
      return `${attribute.field}: a category is unknown or in two bins`;
    }
    return null;
  }
  let previousMax: number | null = null;
  for (const [index, bin] of attribute.bins.entries()) {
    if (!isNumericMatch(bin.match)) return `${attribute.field}: bin ${bin.label} is not a range`;
    const { min, max } = bin.match;
    if (index === 0 ? min !== null : min === null || min !== previousMax) {
      return `${attribute.field}: bin ${bin.label} does not start where the previous one ends`;
    }
    if (
      index === attribute.bins.length - 1 ? max !== null : max === null || max <= (min ?? -Infinity)
    ) {
      return `${attribute.field}: bin ${bin.label} has an invalid upper bound`;
    }
    previousMax = max;
  }
  return null;
}

const validatedScorecardSchema = scorecardSchema.superRefine((card, context) => {
  const fields = card.attributes.map((a) => a.field);
  if (new Set(fields).size !== fields.length) {
    context.addIssue({
      code: 'custom',
      message: 'an attribute appears twice',
      path: ['attributes'],
    });
  }
  card.attributes.forEach((attribute, index) => {
    const problem = checkCoverage(attribute);
    if (problem)
      context.addIssue({ code: 'custom', message: problem, path: ['attributes', index] });
  });
});

/** Validates an artifact (parsed JSON). Throws `SCORING.INVALID_SCORECARD` naming the first issue. */
export function loadScorecard(json: unknown): Scorecard {
  const parsed = validatedScorecardSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new ScorecardError(
      'SCORING.INVALID_SCORECARD',
      `${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function applicantValue(applicant: Applicant, field: FeatureField): string | number {
  const value: unknown = applicant[field];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ScorecardError('SCORING.UNMATCHED_VALUE', `${field} is missing`);
  }
  return value;
}

function toDecimal(field: string, value: string | number): Decimal {
  try {
    const decimal = new MoneyDecimal(value);
    if (decimal.isFinite()) return decimal;
  } catch {
    // fall through to the coded error below
  }
  throw new ScorecardError('SCORING.UNMATCHED_VALUE', `${field}: '${value}' is not a number`);
}

/** The bin an applicant's value falls into; a value no bin covers is an error, never zero points. */
export function matchBin(attribute: ScorecardAttribute, value: string | number): ScorecardBin {
  if (attribute.type === 'numeric') {
    const decimal = toDecimal(attribute.field, value);
    const bin = attribute.bins.find(
      (b) =>
        isNumericMatch(b.match) &&
        (b.match.min === null || decimal.gte(b.match.min)) &&
        (b.match.max === null || decimal.lt(b.match.max)),
    );
    if (bin) return bin;
  } else {
    const bin = attribute.bins.find(
      (b) => !isNumericMatch(b.match) && b.match.categories.includes(String(value)),
    );
    if (bin) return bin;
  }
  throw new ScorecardError(
    'SCORING.UNMATCHED_VALUE',
    `${attribute.field}: no bin for '${String(value)}'`,
  );
}

export interface AttributePoints {
  field: FeatureField;
  bin: string;
  points: number;
  /** The points of the attribute's best bin: `maxPoints - points` is what this value cost. */
  maxPoints: number;
}

export interface ScoreResult {
  score: number;
  /** Probability of default from the scaling calibration, 4 decimals (HALF_EVEN). */
  pd: string;
  pointsByAttribute: AttributePoints[];
  /** Up to four reason codes, the attribute that cost the most points first. */
  reasons: string[];
}

/** Human text of every reason code, for adverse-action notices and the operator UI. */
export const ReasonCodeText: Readonly<Record<string, string>> = Object.fromEntries(
  FeatureFields.map((field) => [
    ApplicantFeatures[field].reasonCode,
    ApplicantFeatures[field].reasonText,
  ]),
);

/**
 * pd = 1 / (1 + odds), odds (good:bad) = exp((score − offset) / factor): a higher score means
 * higher odds of repaying. Computed with MoneyDecimal (34 digits) and rounded HALF_EVEN to 4 dp.
 */
export function pdFromScore(scaling: Scorecard['scaling'], score: number): string {
  const odds = new MoneyDecimal(score).minus(scaling.offset).dividedBy(scaling.factor).exp();
  const pd = new MoneyDecimal(1).dividedBy(odds.plus(1));
  const scale = 10 ** PdDecimalPlaces;
  const units = pd.times(scale).toDecimalPlaces(0, MoneyDecimal.ROUND_HALF_EVEN);
  const whole = units.dividedToIntegerBy(scale).toString();
  const fraction = units.modulo(scale).toString().padStart(PdDecimalPlaces, '0');
  return `${whole}.${fraction}`;
}

/** Points of every attribute for one applicant, in the artifact's attribute order. */
export function pointsByAttribute(card: Pick<Scorecard, 'attributes'>, applicant: Applicant) {
  return card.attributes.map((attribute): AttributePoints => {
    const field = attribute.field;
    const bin = matchBin(attribute, applicantValue(applicant, field));
    const maxPoints = Math.max(...attribute.bins.map((b) => b.points));
    return { field, bin: bin.label, points: bin.points, maxPoints };
  });
}

/** The score alone (sum of points), used by training to evaluate a card under construction. */
export function totalScore(card: Pick<Scorecard, 'attributes'>, applicant: Applicant): number {
  return pointsByAttribute(card, applicant).reduce((sum, p) => sum + p.points, 0);
}

export function scoreApplicant(card: Scorecard, applicant: Applicant): ScoreResult {
  const points = pointsByAttribute(card, applicant);
  const score = points.reduce((sum, p) => sum + p.points, 0);
  const reasons = points
    .map((p, order) => ({ p, order, lost: p.maxPoints - p.points }))
    .filter((r) => r.lost > 0)
    .sort((a, b) => b.lost - a.lost || a.order - b.order)
    .slice(0, ReasonCodesMax)
    .map((r) => ApplicantFeatures[r.p.field].reasonCode);
  return { score, pd: pdFromScore(card.scaling, score), pointsByAttribute: points, reasons };
}
