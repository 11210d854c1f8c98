// The fixtures: pure data and builders, no broker, no ports. Also the library's second entry,
// `@credit/testing/fixtures`, which the pure libraries' unit specs import.
import { randomInt, randomUUID } from 'node:crypto';
import type {
  ApplicationSubmittedV1Payload,
  CreditProfile,
  DrawPricing,
  LoanChargedOffV1Payload,
  LoanDisbursedV1Payload,
  LoanStateRecordedV1Payload,
  LoanTerms,
} from '@credit/contracts';

/** A money amount as the JSON of the APIs and events carries it. */
export const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** The best bin of every scorecard attribute: scores tier A on a small, short request. */
export const strongProfile: CreditProfile = {
  checkingStatus: 'no checking',
  creditHistory: 'critical/other existing credit',
  purpose: 'used car',
  savingsStatus: '>=1000',
  employmentSince: '4<=X<7',
  installmentRatePercent: 2,
  otherParties: 'none',
  residenceSince: 4,
  propertyMagnitude: 'real estate',
  otherPaymentPlans: 'none',
  housing: 'own',
  existingCredits: 1,
  job: 'skilled',
  dependents: 1,
  ownTelephone: 'yes',
};

/**
 * With `borderlineApplicant`'s age, income and debts, scores 501 on a 20,000 line and on an 8,000
 * cash loan over 12 months: the refer band.
 */
export const borderlineProfile: CreditProfile = {
  ...strongProfile,
  checkingStatus: '0<=X<200',
  creditHistory: 'existing paid',
  purpose: 'radio/tv',
  savingsStatus: '<100',
  employmentSince: '1<=X<4',
  residenceSince: 2,
  propertyMagnitude: 'car',
};

/** An applicant as POST /v1/applications takes it. */
export interface TestApplicant {
  name: string;
  nationalId: string;
  phone: string;
  age?: number;
  dateOfBirth?: string;
  monthlyIncome: { amount: string; currency: string };
  monthlyDebtPayments: { amount: string; currency: string };
  profile: CreditProfile;
}

/**
 * Personal data unique to one test run (name, national ID, phone), so that a scan of logs, rows or
 * topics for these values cannot hit anything another test sent.
 */
export function uniquePerson(surname = 'Zhang', phonePrefix = '+86139') {
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  return {
    name: `${surname} Testperson ${randomUUID().slice(0, 8)}`,
    nationalId: `${digits(17)}X`,
    phone: `${phonePrefix}${digits(8)}`,
  };
}

/**
 * The consent an application carries (POST /v1/applications requires it): the purposes and the
 * version of the consent text the applicant was shown.
 */
export const testConsent = (
  purposes: string[] = ['credit-assessment', 'loan-servicing'],
  textVersion = '2026-01',
) => ({ purposes, textVersion });

/** The borderline applicant (34, 12,000 a month, 1,500 of debts); `overrides` replace fields. */
export const borderlineApplicant = (overrides: Partial<TestApplicant> = {}): TestApplicant => ({
  name: 'Wang Fang',
  nationalId: '11010519491231002X',
  phone: '+8613900139000',
  age: 34,
  monthlyIncome: cny('12000.00'),
  monthlyDebtPayments: cny('1500.00'),
  profile: borderlineProfile,
  ...overrides,
});

/** A cash loan's pricing: simple daily interest, 0.05 % a day unless given. */
export const cashLoanPricing = (periods = 3, dailyRate = '0.0005'): DrawPricing => ({
  method: 'daily-interest',
  periods,
  annualRate: null,
  dailyRate,
  feeRate: null,
  feePayer: null,
  dayCount: 'ACT/365',
  penaltyDailyRate: '0.0005',
});

/** An installment purchase's pricing: a flat fee the merchant pays, 2.5 % unless given. */
export const purchasePricing = (periods = 3, feeRate = '0.025'): DrawPricing => ({
  method: 'flat-fee',
  periods,
  annualRate: null,
  dailyRate: null,
  feeRate,
  feePayer: 'merchant',
  dayCount: 'ACT/365',
  penaltyDailyRate: '0.0005',
});

/** A loan's terms: its pricing and the day it starts. */
export const loanTerms = (pricing: DrawPricing, startDate: string): LoanTerms => ({
  ...pricing,
  startDate,
});

/** The scoring policy's default limits (SCORING_* in .env.example). */
export const scoringPolicyLimits = {
  affordabilityMaxShare: '0.5',
  exposureIncomeMultiple: 10,
  velocityMaxPerDay: 5,
  ageMin: 18,
  ageMax: 70,
};

/** What `applicationSubmitted` varies; the rest is the strong applicant's. */
export interface SubmittedApplication {
  customerId: string;
  age?: number;
  monthlyIncome?: string;
  monthlyDebtPayments?: string;
  profile?: CreditProfile;
  creditLine?: { requestedLimit: string };
  draw?: { lineId: string; amount: string; periods: number };
}

/**
 * The payload of application.submitted (scoring's input): a credit line (20,000 unless asked), or
 * with `draw` a cash-loan draw on a line; by default from a strong applicant (40 years old,
 * 10,000 a month, 500 of debts, the strong profile).
 */
export function applicationSubmitted(options: SubmittedApplication): ApplicationSubmittedV1Payload {
  const draw = options.draw;
  return {
    applicationId: `A-${randomUUID()}`,
    customerId: options.customerId,
    kind: draw ? 'draw' : 'credit-line',
    applicant: {
      age: options.age ?? 40,
      monthlyIncome: cny(options.monthlyIncome ?? '10000.00'),
      monthlyDebtPayments: cny(options.monthlyDebtPayments ?? '500.00'),
      profile: options.profile ?? strongProfile,
    },
    creditLine: draw
      ? null
      : { requestedLimit: cny(options.creditLine?.requestedLimit ?? '20000.00') },
    draw: draw
      ? {
          lineId: draw.lineId,
          product: 'cash-loan',
          amount: cny(draw.amount),
          periods: draw.periods,
          merchantId: null,
          feePayer: null,
        }
      : null,
    submittedAt: new Date().toISOString(),
  };
}

type AllocationPart = 'penalty' | 'interest' | 'fee' | 'principal' | 'overpayment';

/** A repayment's allocation (repayment.allocated): each part in CNY, 0.00 unless given. */
export const allocationOf = (parts: Partial<Record<AllocationPart, string>>) => ({
  penalty: cny(parts.penalty ?? '0.00'),
  interest: cny(parts.interest ?? '0.00'),
  fee: cny(parts.fee ?? '0.00'),
  principal: cny(parts.principal ?? '0.00'),
  overpayment: cny(parts.overpayment ?? '0.00'),
});

/** loan.disbursed of a cash loan (no merchant, no line), paid out now. */
export const cashLoanDisbursed = (loan: {
  loanId: string;
  customerId: string;
  principal: string;
  terms: LoanTerms;
}): LoanDisbursedV1Payload => ({
  loanId: loan.loanId,
  customerId: loan.customerId,
  product: 'cash-loan',
  principal: cny(loan.principal),
  merchantId: null,
  merchantFee: null,
  lineId: null,
  terms: loan.terms,
  disbursedAt: new Date().toISOString(),
});

/** loan.disbursed of a 10,000.00 cash loan L-1 of customer C-1: twelve months from 2024-05-01. */
export const disbursedCashLoan: LoanDisbursedV1Payload = {
  loanId: 'L-1',
  customerId: 'C-1',
  product: 'cash-loan',
  principal: cny('10000.00'),
  merchantId: null,
  merchantFee: null,
  lineId: null,
  terms: loanTerms(cashLoanPricing(12), '2024-05-01'),
  disbursedAt: '2024-05-01T08:00:00+08:00',
};

/**
 * loan.disbursed of a 3,000.00 installment purchase L-2 of customer C-1 at merchant M-7 on line
 * LINE-1: six months from 2024-05-01, a 4.5 % flat fee (45.50) the merchant pays.
 */
export const disbursedInstallmentPurchase: LoanDisbursedV1Payload = {
  loanId: 'L-2',
  customerId: 'C-1',
  product: 'installment-purchase',
  principal: cny('3000.00'),
  merchantId: 'M-7',
  merchantFee: cny('45.50'),
  lineId: 'LINE-1',
  terms: loanTerms(purchasePricing(6, '0.045'), '2024-05-01'),
  disbursedAt: '2024-05-01T10:00:00Z',
};

/** loan.charged-off of L-1 at the end of 2024: 8,000.00 principal, 120.33 interest, 36.10 penalty. */
export const chargedOffLoan: LoanChargedOffV1Payload = {
  loanId: 'L-1',
  customerId: 'C-1',
  businessDate: '2024-12-31',
  principal: cny('8000.00'),
  interest: cny('120.33'),
  fee: cny('0.00'),
  penalty: cny('36.10'),
};

/**
 * loan.state-recorded of a CNY cash loan (two equal-principal installments a month apart from
 * `startDate`, nothing of interest, fee or penalty unless given): the repayment changelog's record
 * of the loan at `version`, processed through `processedThrough`.
 */
export const loanStateRecorded = (state: {
  loanId: string;
  customerId: string;
  version: number;
  principal: string;
  startDate: string;
  processedThrough: string;
  principalPaid?: string;
  interestAccrued?: string;
  status?: LoanStateRecordedV1Payload['loan']['status'];
  daysPastDue?: number;
  lineId?: string | null;
  installments?: LoanStateRecordedV1Payload['installments'];
}): LoanStateRecordedV1Payload => ({
  loanId: state.loanId,
  version: state.version,
  loan: {
    customerId: state.customerId,
    lineId: state.lineId ?? null,
    product: 'cash-loan',
    currency: 'CNY',
    principal: state.principal,
    terms: {
      method: 'equal-principal',
      periods: 2,
      annualRate: '0.12',
      dailyRate: null,
      feeRate: null,
      feePayer: null,
      dayCount: 'ACT/365',
      penaltyDailyRate: '0.0005',
      startDate: state.startDate,
    },
    startDate: state.startDate,
    apr: '0.12',
    status: state.status ?? 'active',
    interestAccrued: state.interestAccrued ?? '0.00',
    interestPaid: '0.00',
    feeCharged: '0.00',
    feePaid: '0.00',
    penaltyAccrued: '0.00',
    penaltyPaid: '0.00',
    principalPaid: state.principalPaid ?? '0.00',
    customerCredit: '0.00',
    processedThrough: state.processedThrough,
    daysPastDue: state.daysPastDue ?? 0,
    delinquencyBucket: 'current',
    disbursedEventId: randomUUID(),
    createdAt: new Date().toISOString(),
    closedOn: null,
  },
  installments: state.installments ?? [],
  repayments: [],
});
