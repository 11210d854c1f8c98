import type {
  CashLoanRepaymentMethod,
  CreditProfile,
  LoanProduct,
  MoneyDto,
} from '@credit/contracts';
import { Money } from '@credit/money';
import type { Applicant } from '@credit/scorecard';
import type { LineExposure } from './line-exposure';
import { CreditLineTermMonths } from './score-bands';

/** What is asked for: a new credit line, or a draw on one. */
export type Requested =
  | { readonly kind: 'credit-line'; readonly requestedLimit: Money }
  | {
      readonly kind: 'draw';
      /** Null in a what-if (no line to check). */
      readonly lineId: string | null;
      readonly product: LoanProduct;
      readonly amount: Money;
      readonly periods: number;
      readonly merchantId: string | null;
      readonly feePayer: 'buyer' | 'merchant' | null;
      /** A cash loan's repayment method (daily-interest when not named); null for a plan. */
      readonly repaymentMethod: CashLoanRepaymentMethod | null;
    };

/** One application as the decision sees it: amounts as Money, no personal data. */
export interface CreditRequest {
  readonly applicant: {
    readonly age: number;
    readonly monthlyIncome: Money;
    readonly monthlyDebtPayments: Money;
    readonly profile: CreditProfile;
  };
  readonly requested: Requested;
}

/**
 * What the service knows about the customer from earlier decisions. A what-if has none (null):
 * velocity, existing exposure and the line are then not checked.
 */
export interface CustomerHistory {
  /** Applications of the customer already decided for the same day (this one not counted). */
  readonly applicationsToday: number;
  /** Σ limits of the customer's approved lines in the request's currency (zero when none). */
  readonly approvedLineLimits: Money;
  /**
   * The line of a draw when it is an approved line of this customer (its limit, principal
   * outstanding and draws in flight); null otherwise.
   */
  readonly line: LineExposure | null;
}

/** The amount the scorecard sees as creditAmount: the requested limit or the draw amount. */
export function requestedAmount(requested: Requested): Money {
  return requested.kind === 'credit-line' ? requested.requestedLimit : requested.amount;
}

/** The scorecard applicant: the profile plus duration, amount (decimal string) and age. */
export function applicantOf(request: CreditRequest): Applicant {
  const { requested, applicant } = request;
  return {
    ...applicant.profile,
    durationMonths: requested.kind === 'credit-line' ? CreditLineTermMonths : requested.periods,
    creditAmount: requestedAmount(requested).toString(),
    age: applicant.age,
  };
}

/** An application as it travels (the application.submitted payload, or a what-if body). */
export interface CreditRequestInput {
  readonly kind: 'credit-line' | 'draw';
  readonly applicant: {
    readonly age: number;
    readonly monthlyIncome: MoneyDto;
    readonly monthlyDebtPayments: MoneyDto;
    readonly profile: CreditProfile;
  };
  readonly creditLine: { readonly requestedLimit: MoneyDto } | null;
  readonly draw: {
    readonly lineId: string | null;
    readonly product: LoanProduct;
    readonly amount: MoneyDto;
    readonly periods: number;
    readonly merchantId: string | null;
    readonly feePayer: 'buyer' | 'merchant' | null;
    /** Absent or null: daily-interest for a cash loan (events submitted before it existed). */
    readonly repaymentMethod?: CashLoanRepaymentMethod | null;
  } | null;
}

/** The decision's view of a validated application. @throws MoneyError on invalid amounts. */
export function creditRequestOf(input: CreditRequestInput): CreditRequest {
  const applicant = {
    age: input.applicant.age,
    monthlyIncome: Money.fromJSON(input.applicant.monthlyIncome),
    monthlyDebtPayments: Money.fromJSON(input.applicant.monthlyDebtPayments),
    profile: input.applicant.profile,
  };
  if (input.kind === 'credit-line') {
    if (!input.creditLine) throw new Error('a credit-line application carries creditLine');
    return {
      applicant,
      requested: {
        kind: 'credit-line',
        requestedLimit: Money.fromJSON(input.creditLine.requestedLimit),
      },
    };
  }
  if (!input.draw) throw new Error('a draw application carries draw');
  const draw = input.draw;
  return {
    applicant,
    requested: {
      kind: 'draw',
      lineId: draw.lineId,
      product: draw.product,
      amount: Money.fromJSON(draw.amount),
      periods: draw.periods,
      merchantId: draw.merchantId,
      feePayer: draw.feePayer,
      repaymentMethod:
        draw.product === 'cash-loan' ? (draw.repaymentMethod ?? 'daily-interest') : null,
    },
  };
}
