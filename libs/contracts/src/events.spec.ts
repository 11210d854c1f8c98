import {
  chargedOffLoan,
  cny,
  disbursedCashLoan,
  disbursedInstallmentPurchase,
  strongProfile,
} from '@credit/testing/fixtures';
import { envelopeSchema } from './envelope';
import {
  ApplicationSubmittedV1,
  FeeChargedV1,
  InterestAccruedV1,
  LedgerEntryPostedV1,
  LoanChargedOffV1,
  LoanDisbursedV1,
  MerchantSettledV1,
  PenaltyAccruedV1,
  RecoveryReceivedV1,
  RepaymentAllocatedV1,
  platformEventCatalog,
  platformEventDefinitions,
} from './events';
import { Topics, domainTopics } from './topics';
import type { EventDefinition } from './catalog';

const samples = {
  cashLoan: disbursedCashLoan,
  installmentPurchase: disbursedInstallmentPurchase,
  feeCharged: {
    loanId: 'L-2',
    customerId: 'C-1',
    period: 1,
    amount: cny('15.17'),
    chargedAt: '2024-06-01T00:00:00Z',
  },
  merchantSettled: {
    settlementId: 'S-3',
    merchantId: 'M-7',
    amount: cny('2954.50'),
    businessDate: '2024-05-02',
  },
  repaymentAllocated: {
    repaymentId: 'R-9',
    lineId: null,
    loanId: 'L-1',
    customerId: 'C-1',
    amount: cny('120.00'),
    allocation: {
      penalty: cny('1.00'),
      interest: cny('10.00'),
      fee: cny('5.00'),
      principal: cny('84.00'),
      overpayment: cny('20.00'),
    },
    receivedAt: '2024-06-01T09:30:00.123Z',
  },
  interestAccrued: {
    loanId: 'L-1',
    customerId: 'C-1',
    businessDate: '2024-05-31',
    amount: cny('4.93'),
  },
  penaltyAccrued: {
    loanId: 'L-1',
    customerId: 'C-1',
    businessDate: '2024-07-02',
    amount: cny('0.50'),
  },
  loanChargedOff: chargedOffLoan,
  recoveryReceived: {
    recoveryId: 'RC-1',
    loanId: 'L-1',
    customerId: 'C-1',
    amount: cny('500.00'),
    receivedAt: '2025-02-01T12:00:00Z',
  },
  ledgerEntryPosted: {
    entryId: '0b6c3c8e-7f7e-4f7c-9a53-3a2d3c1b9e10',
    idempotencyKey: 'event:5b0f6c1e-2f0e-4f43-9d55-0a4c5c4e9a11',
    sourceEventId: '5b0f6c1e-2f0e-4f43-9d55-0a4c5c4e9a11',
    reversesEntryId: null,
    effectiveAt: '2024-05-01T00:00:00.000Z',
    postedAt: '2024-05-01T00:00:01.000Z',
    lines: [
      { account: 'assets:loans:principal:L-1', side: 'debit', amount: cny('10000.00') },
      { account: 'assets:bank:settlement', side: 'credit', amount: cny('10000.00') },
    ],
  },
};

function without<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...value };
  delete copy[key];
  return copy;
}

/** The messages of the issues zod reports, by dotted path. */
function issuesOf(definition: EventDefinition, payload: unknown): Record<string, string[]> {
  const result = definition.schema.safeParse(payload);
  if (result.success) return {};
  const issues: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join('.');
    (issues[path] ??= []).push(issue.message);
  }
  return issues;
}

describe('event payload schemas v1', () => {
  it.each<[string, EventDefinition, unknown]>([
    ['loan.disbursed cash-loan', LoanDisbursedV1, samples.cashLoan],
    ['loan.disbursed installment-purchase', LoanDisbursedV1, samples.installmentPurchase],
    [
      'loan.disbursed installment-purchase without fee',
      LoanDisbursedV1,
      {
        ...samples.installmentPurchase,
        merchantFee: null,
        terms: { ...samples.installmentPurchase.terms, feePayer: 'buyer' },
      },
    ],
    ['fee.charged', FeeChargedV1, samples.feeCharged],
    ['merchant.settled', MerchantSettledV1, samples.merchantSettled],
    ['repayment.allocated', RepaymentAllocatedV1, samples.repaymentAllocated],
    ['interest.accrued', InterestAccruedV1, samples.interestAccrued],
    ['penalty.accrued', PenaltyAccruedV1, samples.penaltyAccrued],
    ['loan.charged-off', LoanChargedOffV1, samples.loanChargedOff],
    ['recovery.received', RecoveryReceivedV1, samples.recoveryReceived],
    ['ledger.entry.posted', LedgerEntryPostedV1, samples.ledgerEntryPosted],
  ])('valid %s parses unchanged', (_name, definition, payload) => {
    expect(issuesOf(definition, payload)).toEqual({});
    expect(definition.schema.parse(payload)).toEqual(payload);
  });

  describe('rejections', () => {
    it.each<[string, EventDefinition, unknown, string]>([
      [
        'flat-fee terms without a fee rate',
        LoanDisbursedV1,
        {
          ...samples.installmentPurchase,
          terms: { ...samples.installmentPurchase.terms, feeRate: null },
        },
        'terms.feeRate',
      ],
      [
        'daily-interest terms without a daily rate',
        LoanDisbursedV1,
        { ...samples.cashLoan, terms: { ...samples.cashLoan.terms, dailyRate: null } },
        'terms.dailyRate',
      ],
      [
        'a rate as a JSON number',
        LoanDisbursedV1,
        { ...samples.cashLoan, terms: { ...samples.cashLoan.terms, dailyRate: 0.0005 } },
        'terms.dailyRate',
      ],
      [
        'a merchant-paid plan without the merchant fee',
        LoanDisbursedV1,
        { ...samples.installmentPurchase, merchantFee: null },
        'merchantFee',
      ],
      [
        'amount as a JSON number',
        FeeChargedV1,
        { ...samples.feeCharged, amount: { amount: 15.17, currency: 'CNY' } },
        'amount.amount',
      ],
      [
        'lowercase currency',
        FeeChargedV1,
        { ...samples.feeCharged, amount: { amount: '15.17', currency: 'cny' } },
        'amount.currency',
      ],
      [
        'unknown currency',
        FeeChargedV1,
        { ...samples.feeCharged, amount: { amount: '15.17', currency: 'XYZ' } },
        'amount',
      ],
      [
        'amount beyond the currency scale',
        FeeChargedV1,
        { ...samples.feeCharged, amount: cny('15.175') },
        'amount',
      ],
      [
        'zero amount',
        InterestAccruedV1,
        { ...samples.interestAccrued, amount: cny('0.00') },
        'amount',
      ],
      [
        'negative amount',
        RecoveryReceivedV1,
        { ...samples.recoveryReceived, amount: cny('-1.00') },
        'amount',
      ],
      [
        'extra money property',
        FeeChargedV1,
        { ...samples.feeCharged, amount: { ...cny('1.00'), scale: 2 } },
        'amount',
      ],
      [
        'missing field',
        MerchantSettledV1,
        without(samples.merchantSettled, 'merchantId'),
        'merchantId',
      ],
      ['unknown field', MerchantSettledV1, { ...samples.merchantSettled, note: 'x' }, ''],
      ['empty id', InterestAccruedV1, { ...samples.interestAccrued, loanId: '' }, 'loanId'],
      [
        'id over 128 characters',
        InterestAccruedV1,
        { ...samples.interestAccrued, loanId: 'L'.repeat(129) },
        'loanId',
      ],
      ['period 0', FeeChargedV1, { ...samples.feeCharged, period: 0 }, 'period'],
      ['fractional period', FeeChargedV1, { ...samples.feeCharged, period: 1.5 }, 'period'],
      [
        'timestamp without offset',
        FeeChargedV1,
        { ...samples.feeCharged, chargedAt: '2024-06-01T00:00:00' },
        'chargedAt',
      ],
      [
        'business date with a time',
        MerchantSettledV1,
        { ...samples.merchantSettled, businessDate: '2024-05-02T00:00:00Z' },
        'businessDate',
      ],
      [
        'cash-loan with a merchantId',
        LoanDisbursedV1,
        { ...samples.cashLoan, merchantId: 'M-7' },
        'merchantId',
      ],
      [
        'cash-loan with a merchantFee',
        LoanDisbursedV1,
        { ...samples.cashLoan, merchantFee: cny('1.00') },
        'merchantFee',
      ],
      [
        'installment-purchase without a merchantId',
        LoanDisbursedV1,
        { ...samples.installmentPurchase, merchantId: null },
        'merchantId',
      ],
      [
        'merchant fee above the principal',
        LoanDisbursedV1,
        { ...samples.installmentPurchase, merchantFee: cny('3000.01') },
        'merchantFee',
      ],
      [
        'merchant fee in another currency',
        LoanDisbursedV1,
        { ...samples.installmentPurchase, merchantFee: { amount: '1.00', currency: 'USD' } },
        'merchantFee',
      ],
      ['unknown product', LoanDisbursedV1, { ...samples.cashLoan, product: 'mortgage' }, 'product'],
      [
        'allocation not summing to the amount',
        RepaymentAllocatedV1,
        { ...samples.repaymentAllocated, amount: cny('120.01') },
        'allocation',
      ],
      [
        'negative allocation part',
        RepaymentAllocatedV1,
        {
          ...samples.repaymentAllocated,
          allocation: { ...samples.repaymentAllocated.allocation, overpayment: cny('-20.00') },
        },
        'allocation.overpayment',
      ],
      [
        'allocation part missing',
        RepaymentAllocatedV1,
        {
          ...samples.repaymentAllocated,
          allocation: without(samples.repaymentAllocated.allocation, 'overpayment'),
        },
        'allocation.overpayment',
      ],
      [
        'charge-off of nothing',
        LoanChargedOffV1,
        {
          ...samples.loanChargedOff,
          principal: cny('0.00'),
          interest: cny('0.00'),
          penalty: cny('0.00'),
        },
        '',
      ],
      [
        'entry with one line',
        LedgerEntryPostedV1,
        { ...samples.ledgerEntryPosted, lines: samples.ledgerEntryPosted.lines.slice(0, 1) },
        'lines',
      ],
      [
        'entry id not a uuid',
        LedgerEntryPostedV1,
        { ...samples.ledgerEntryPosted, entryId: 'E-1' },
        'entryId',
      ],
    ])('%s is rejected', (_name, definition, payload, path) => {
      const issues = issuesOf(definition, payload);
      expect(Object.keys(issues)).toContain(path);
    });
  });

  describe('application.submitted: a cash loan names its repayment method', () => {
    const submitted = (draw: Record<string, unknown>) => ({
      applicationId: 'A-1',
      customerId: 'C-1',
      kind: 'draw',
      applicant: {
        age: 40,
        monthlyIncome: cny('10000.00'),
        monthlyDebtPayments: cny('0.00'),
        profile: { ...strongProfile, purpose: 'radio/tv', employmentSince: '>=7' },
      },
      creditLine: null,
      draw: {
        lineId: 'LINE-1',
        amount: cny('6000.00'),
        periods: 6,
        merchantId: null,
        feePayer: null,
        ...draw,
      },
      submittedAt: '2026-12-03T08:00:00Z',
    });

    it('accepts a method on a cash loan, and no method (events from before it existed)', () => {
      for (const repaymentMethod of ['equal-installment', 'equal-principal', 'daily-interest'])
        expect(
          issuesOf(ApplicationSubmittedV1, submitted({ product: 'cash-loan', repaymentMethod })),
        ).toEqual({});
      expect(issuesOf(ApplicationSubmittedV1, submitted({ product: 'cash-loan' }))).toEqual({});
    });

    it('rejects an unknown method, and any method on an installment purchase', () => {
      expect(
        Object.keys(
          issuesOf(
            ApplicationSubmittedV1,
            submitted({ product: 'cash-loan', repaymentMethod: 'balloon' }),
          ),
        ),
      ).toEqual(['draw.repaymentMethod']);
      expect(
        Object.keys(
          issuesOf(
            ApplicationSubmittedV1,
            submitted({
              product: 'installment-purchase',
              merchantId: 'M-1',
              feePayer: 'buyer',
              repaymentMethod: 'equal-installment',
            }),
          ),
        ),
      ).toEqual(['draw.repaymentMethod']);
    });
  });

  describe('catalog', () => {
    const expected = [
      'loan.disbursed@v1',
      'fee.charged@v1',
      'merchant.settled@v1',
      'repayment.allocated@v1',
      'schedule.created@v1',
      'application.submitted@v1',
      'application.decided@v1',
      'loan.created@v1',
      'disbursement.failed@v1',
      'interest.accrued@v1',
      'penalty.accrued@v1',
      'loan.charged-off@v1',
      'recovery.received@v1',
      'ledger.entry.posted@v1',
      'loan.state-recorded@v1',
      'calendar.business-day-closed@v1',
      'application.recorded@v1',
      'application.personal-data-erased@v1',
      'payout.statement-reconciled@v1',
      'model.deployed@v1',
    ];

    it('has each type@v1 exactly once', () => {
      const keys = platformEventDefinitions.map((d) => `${d.type}@v${d.version}`);
      expect([...keys].sort()).toEqual([...expected].sort());
      expect(new Set(keys).size).toBe(keys.length);
      expect(() => platformEventCatalog()).not.toThrow();
      for (const key of expected) {
        const [type = '', version = ''] = key.split('@v');
        expect(platformEventCatalog().find(type, Number(version))).toBeDefined();
      }
    });

    it('puts every event on the domain topic of its aggregate stream', () => {
      for (const definition of platformEventDefinitions) {
        expect(domainTopics).toContain(definition.topic);
      }
      const topicOf = (type: string) =>
        platformEventDefinitions.find((definition) => definition.type === type)?.topic;
      // Every event that moves a loan's money shares the loan's stream, so its order holds.
      for (const type of [
        'loan.created',
        'loan.disbursed',
        'disbursement.failed',
        'schedule.created',
        'repayment.allocated',
        'interest.accrued',
        'fee.charged',
        'penalty.accrued',
        'loan.charged-off',
        'recovery.received',
      ]) {
        expect(topicOf(type)).toBe(Topics.loanEvents);
      }
      expect(topicOf('application.submitted')).toBe(Topics.applicationEvents);
      expect(topicOf('application.decided')).toBe(Topics.applicationEvents);
      expect(topicOf('merchant.settled')).toBe(Topics.merchantEvents);
      expect(topicOf('ledger.entry.posted')).toBe(Topics.ledgerEvents);
      expect(topicOf('loan.state-recorded')).toBe(Topics.repaymentChangelog);
      expect(topicOf('calendar.business-day-closed')).toBe(Topics.repaymentChangelog);
      expect(topicOf('application.recorded')).toBe(Topics.applicationChangelog);
      expect(topicOf('payout.statement-reconciled')).toBe(Topics.payoutStatements);
      expect(topicOf('model.deployed')).toBe(Topics.modelEvents);
    });

    it('names each stream after its aggregate', () => {
      // The names themselves are pinned by the generated files (the README's topic table, each
      // event's JSON Schema): renaming a topic shows in their diff.
      for (const topic of domainTopics) {
        expect(topic).toMatch(/^[a-z]+\.(events|changelog|statements)$/);
      }
      expect(new Set(domainTopics).size).toBe(domainTopics.length);
    });

    it('every type is a valid envelope type', () => {
      const type = envelopeSchema.shape.type;
      for (const definition of platformEventDefinitions) {
        expect(type.safeParse(definition.type).success).toBe(true);
      }
    });
  });
});
