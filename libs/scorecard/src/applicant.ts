import {
  CheckingStatuses,
  CreditHistories,
  EmploymentSince,
  Housings,
  Jobs,
  OtherParties,
  OtherPaymentPlans,
  OwnTelephones,
  PropertyMagnitudes,
  Purposes,
  SavingsStatuses,
} from '@credit/contracts';
import { isDecimalString } from '@credit/money';
import { type ArffRow, type ArffValue } from './arff';

/**
 * The applicant attributes of the Statlog German Credit data under the names the platform uses.
 * The categories of the credit profile are the platform's contract (`@credit/contracts`); the
 * original Statlog codes (`A11`…) map onto them through `statlogCodes`.
 */
export const PersonalStatuses = [
  'male div/sep',
  'female div/dep/mar',
  'male single',
  'male mar/wid',
  'female single',
] as const;
export const ForeignWorkers = ['yes', 'no'] as const;

/** What a model may use. Money amounts are decimal strings; counts, months, years are integers. */
export interface Applicant {
  checkingStatus: (typeof CheckingStatuses)[number];
  durationMonths: number;
  creditHistory: (typeof CreditHistories)[number];
  purpose: (typeof Purposes)[number];
  /** Requested amount in DM, a decimal string (money is never a JS number). */
  creditAmount: string;
  savingsStatus: (typeof SavingsStatuses)[number];
  employmentSince: (typeof EmploymentSince)[number];
  /** Installment as a percentage of disposable income, 1–4 in the data. */
  installmentRatePercent: number;
  otherParties: (typeof OtherParties)[number];
  residenceSince: number;
  propertyMagnitude: (typeof PropertyMagnitudes)[number];
  age: number;
  otherPaymentPlans: (typeof OtherPaymentPlans)[number];
  housing: (typeof Housings)[number];
  existingCredits: number;
  job: (typeof Jobs)[number];
  dependents: number;
  ownTelephone: (typeof OwnTelephones)[number];
}

/** Protected characteristics: never a model input, only used to measure decisions across groups. */
export interface ProtectedCharacteristics {
  personalStatus: (typeof PersonalStatuses)[number];
  foreignWorker: (typeof ForeignWorkers)[number];
}

export type FeatureField = keyof Applicant;
export type ProtectedField = keyof ProtectedCharacteristics;

interface FeatureBase {
  /** Source column in the Statlog ARFF file. */
  readonly arff: string;
  /** Stable reason code reported when this attribute costs points. */
  readonly reasonCode: string;
  readonly reasonText: string;
}
export interface CategoricalFeature extends FeatureBase {
  readonly type: 'categorical';
  readonly categories: readonly string[];
  /** Statlog code (A11…) → readable category, in the order of `categories`. */
  readonly statlogCodes: Readonly<Record<string, string>>;
}
export interface NumericFeature extends FeatureBase {
  readonly type: 'numeric';
  /** `decimal-string` fields (money) travel as strings; `integer` fields as JS integers. */
  readonly representation: 'integer' | 'decimal-string';
}
export type FeatureSpec = CategoricalFeature | NumericFeature;

function codes(prefix: string, categories: readonly string[], first = 0): Record<string, string> {
  return Object.fromEntries(categories.map((c, i) => [`${prefix}${first + i}`, c]));
}

function categorical(
  arff: string,
  categories: readonly string[],
  statlogCodes: Record<string, string>,
  reasonCode: string,
  reasonText: string,
): CategoricalFeature {
  return { type: 'categorical', arff, categories, statlogCodes, reasonCode, reasonText };
}

function numeric(
  arff: string,
  reasonCode: string,
  reasonText: string,
  representation: NumericFeature['representation'] = 'integer',
): NumericFeature {
  return { type: 'numeric', arff, representation, reasonCode, reasonText };
}

/** Every model-eligible attribute, in the column order of the Statlog file. */
export const ApplicantFeatures: Readonly<Record<FeatureField, FeatureSpec>> = {
  checkingStatus: categorical(
    'checking_status',
    CheckingStatuses,
    codes('A1', CheckingStatuses, 1),
    'CHECKING_STATUS',
    'Status of the existing checking account',
  ),
  durationMonths: numeric('duration', 'DURATION', 'Requested loan duration'),
  creditHistory: categorical(
    'credit_history',
    CreditHistories,
    codes('A3', CreditHistories),
    'CREDIT_HISTORY',
    'Past repayment behaviour on credits',
  ),
  purpose: categorical(
    'purpose',
    Purposes,
    { ...codes('A4', Purposes.slice(0, 10)), A410: 'other' },
    'PURPOSE',
    'Purpose of the loan',
  ),
  creditAmount: numeric('credit_amount', 'CREDIT_AMOUNT', 'Requested amount', 'decimal-string'),
  savingsStatus: categorical(
    'savings_status',
    SavingsStatuses,
    codes('A6', SavingsStatuses, 1),
    'SAVINGS',
    'Savings account and bonds',
  ),
  employmentSince: categorical(
    'employment',
    EmploymentSince,
    codes('A7', EmploymentSince, 1),
    'EMPLOYMENT_LENGTH',
    'Time in present employment',
  ),
  installmentRatePercent: numeric(
    'installment_commitment',
    'INSTALLMENT_RATE',
    'Installment as a share of disposable income',
  ),
  otherParties: categorical(
    'other_parties',
    OtherParties,
    codes('A10', OtherParties, 1),
    'OTHER_PARTIES',
    'Co-applicants or guarantors',
  ),
  residenceSince: numeric('residence_since', 'RESIDENCE_LENGTH', 'Time at present residence'),
  propertyMagnitude: categorical(
    'property_magnitude',
    PropertyMagnitudes,
    codes('A12', PropertyMagnitudes, 1),
    'PROPERTY',
    'Most valuable property',
  ),
  age: numeric('age', 'AGE', 'Age of the applicant'),
  otherPaymentPlans: categorical(
    'other_payment_plans',
    OtherPaymentPlans,
    codes('A14', OtherPaymentPlans, 1),
    'OTHER_INSTALLMENT_PLANS',
    'Other installment plans with banks or stores',
  ),
  housing: categorical(
    'housing',
    Housings,
    codes('A15', Housings, 1),
    'HOUSING',
    'Housing situation',
  ),
  existingCredits: numeric('existing_credits', 'EXISTING_CREDITS', 'Credits already at this bank'),
  job: categorical('job', Jobs, codes('A17', Jobs, 1), 'JOB', 'Kind of employment'),
  dependents: numeric('num_dependents', 'DEPENDENTS', 'Number of people being liable for'),
  ownTelephone: categorical(
    'own_telephone',
    OwnTelephones,
    codes('A19', OwnTelephones, 1),
    'TELEPHONE',
    'Telephone registered in the applicant’s name',
  ),
};

export const FeatureFields = Object.keys(ApplicantFeatures) as FeatureField[];

export const ProtectedAttributes: Readonly<
  Record<ProtectedField, { readonly arff: string; readonly categories: readonly string[] }>
> = {
  personalStatus: { arff: 'personal_status', categories: PersonalStatuses },
  foreignWorker: { arff: 'foreign_worker', categories: ForeignWorkers },
};

/** Source column names that must never be model inputs. */
export const ProtectedArffColumns: readonly string[] = Object.values(ProtectedAttributes).map(
  (p) => p.arff,
);

export function isFeatureField(value: string): value is FeatureField {
  return Object.prototype.hasOwnProperty.call(ApplicantFeatures, value);
}

export class ApplicantMappingError extends Error {
  readonly code = 'SCORING.INVALID_APPLICANT';
  constructor(message: string) {
    super(message);
    this.name = 'ApplicantMappingError';
  }
}

function categoricalValue(field: string, spec: readonly string[], value: ArffValue, where: string) {
  if (typeof value !== 'string' || !spec.includes(value)) {
    throw new ApplicantMappingError(
      `${where}: ${field} '${String(value)}' is not a known category`,
    );
  }
  return value;
}

function integerValue(field: string, value: ArffValue, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ApplicantMappingError(`${where}: ${field} '${String(value)}' is not an integer`);
  }
  return value;
}

/** Maps one ARFF row onto the model-eligible fields; a missing (`?`) value is an error. */
export function applicantFromArffRow(row: ArffRow): Applicant {
  const where = `line ${row.line}`;
  const out: Record<string, string | number> = {};
  for (const field of FeatureFields) {
    const spec = ApplicantFeatures[field];
    const value = row.values[spec.arff];
    if (value === undefined || value === null) {
      throw new ApplicantMappingError(`${where}: ${field} (${spec.arff}) is missing`);
    }
    if (spec.type === 'categorical') {
      out[field] = categoricalValue(field, spec.categories, value, where);
    } else if (spec.representation === 'decimal-string') {
      const text = typeof value === 'number' ? String(value) : '';
      if (!isDecimalString(text)) {
        throw new ApplicantMappingError(`${where}: ${field} '${String(value)}' is not an amount`);
      }
      out[field] = text;
    } else {
      out[field] = integerValue(field, value, where);
    }
  }
  return out as unknown as Applicant;
}

/** Maps the protected columns of one ARFF row (for fairness measurement only). */
export function protectedFromArffRow(row: ArffRow): ProtectedCharacteristics {
  const where = `line ${row.line}`;
  return {
    personalStatus: categoricalValue(
      'personalStatus',
      PersonalStatuses,
      row.values.personal_status ?? null,
      where,
    ) as ProtectedCharacteristics['personalStatus'],
    foreignWorker: categoricalValue(
      'foreignWorker',
      ForeignWorkers,
      row.values.foreign_worker ?? null,
      where,
    ) as ProtectedCharacteristics['foreignWorker'],
  };
}

/** Translates a Statlog code (`A11`) of a categorical field into its readable category. */
export function categoryFromStatlogCode(field: FeatureField, code: string): string {
  const spec = ApplicantFeatures[field];
  const category = spec.type === 'categorical' ? spec.statlogCodes[code] : undefined;
  if (category === undefined) {
    throw new ApplicantMappingError(`${field}: unknown Statlog code ${code}`);
  }
  return category;
}
