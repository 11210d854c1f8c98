import type { PostingRule } from './posting-rule';
import { validatePostingRules } from './posting-rule';

/** Every repayment's event, description and date. */
const repayment = {
  eventType: 'repayment.allocated',
  eventVersion: 1,
  description: 'Repayment {repaymentId} on loan {loanId} from customer {customerId}',
  effectiveAt: 'receivedAt',
} as const;

/**
 * A repayment's allocation: cash in; penalty, interest, fee and principal out of the loan; what
 * is left over after the loan credited to the customer. Zero components are dropped.
 */
const repaymentAllocation: PostingRule['lines'] = [
  { side: 'debit', account: 'assets:bank:settlement', amount: ['amount'] },
  { side: 'credit', account: 'assets:receivable:penalty:{loanId}', amount: ['allocation.penalty'] },
  {
    side: 'credit',
    account: 'assets:receivable:interest:{loanId}',
    amount: ['allocation.interest'],
  },
  { side: 'credit', account: 'assets:receivable:fee:{loanId}', amount: ['allocation.fee'] },
  { side: 'credit', account: 'assets:loans:principal:{loanId}', amount: ['allocation.principal'] },
  {
    side: 'credit',
    account: 'liabilities:customer-credit:{customerId}',
    amount: ['allocation.overpayment'],
  },
];

/**
 * How the platform's business events are booked. Plain data, validated when this module loads.
 * To change a rule, bump its `version`: entries record `${id}@v${version}`.
 *
 * Accounts (templates marked * take a `:<segment>` sub-account): assets:bank:settlement,
 * assets:loans:principal*, assets:receivable:interest*, assets:receivable:fee*,
 * assets:receivable:penalty*, liabilities:merchant-payable*, liabilities:customer-credit*,
 * income:interest, income:installment-fee, income:penalty, income:recovery, expense:credit-loss.
 */
export const postingRules: readonly PostingRule[] = validatePostingRules([
  {
    id: 'loan-disbursed-cash-loan',
    version: 1,
    eventType: 'loan.disbursed',
    eventVersion: 1,
    when: { product: 'cash-loan' },
    description: 'Cash loan {loanId} disbursed to customer {customerId}',
    effectiveAt: 'disbursedAt',
    lines: [
      { side: 'debit', account: 'assets:loans:principal:{loanId}', amount: ['principal'] },
      { side: 'credit', account: 'assets:bank:settlement', amount: ['principal'] },
    ],
  },
  {
    // The merchant is owed the principal less the plan fee it pays; the fee is earned now.
    id: 'loan-disbursed-installment-purchase',
    version: 1,
    eventType: 'loan.disbursed',
    eventVersion: 1,
    when: { product: 'installment-purchase' },
    description: 'Installment purchase {loanId} at merchant {merchantId} for customer {customerId}',
    effectiveAt: 'disbursedAt',
    lines: [
      { side: 'debit', account: 'assets:loans:principal:{loanId}', amount: ['principal'] },
      {
        side: 'credit',
        account: 'liabilities:merchant-payable:{merchantId}',
        amount: ['principal', '-merchantFee'],
      },
      { side: 'credit', account: 'income:installment-fee', amount: ['merchantFee'] },
    ],
  },
  {
    id: 'fee-charged',
    version: 1,
    eventType: 'fee.charged',
    eventVersion: 1,
    description: 'Installment fee on loan {loanId} charged to customer {customerId}',
    effectiveAt: 'chargedAt',
    lines: [
      { side: 'debit', account: 'assets:receivable:fee:{loanId}', amount: ['amount'] },
      { side: 'credit', account: 'income:installment-fee', amount: ['amount'] },
    ],
  },
  {
    id: 'merchant-settled',
    version: 1,
    eventType: 'merchant.settled',
    eventVersion: 1,
    description: 'Settlement {settlementId} paid to merchant {merchantId}',
    effectiveAt: 'businessDate',
    lines: [
      { side: 'debit', account: 'liabilities:merchant-payable:{merchantId}', amount: ['amount'] },
      { side: 'credit', account: 'assets:bank:settlement', amount: ['amount'] },
    ],
  },
  {
    id: 'repayment-allocated',
    version: 2,
    when: { lineId: null },
    ...repayment,
    lines: repaymentAllocation,
  },
  {
    id: 'repayment-allocated-on-line',
    version: 1,
    when: { lineId: '*' },
    ...repayment,
    lines: [
      ...repaymentAllocation,
      // Principal repaid makes room on the revolving line again (memorandum pair, nets to zero).
      {
        side: 'debit',
        account: 'liabilities:credit-line-commitment:{lineId}',
        amount: ['allocation.principal'],
      },
      {
        side: 'credit',
        account: 'assets:credit-line-drawn:{lineId}',
        amount: ['allocation.principal'],
      },
    ],
  },
  {
    id: 'interest-accrued',
    version: 1,
    eventType: 'interest.accrued',
    eventVersion: 1,
    description: 'Interest accrued on loan {loanId} for {businessDate}',
    effectiveAt: 'businessDate',
    lines: [
      { side: 'debit', account: 'assets:receivable:interest:{loanId}', amount: ['amount'] },
      { side: 'credit', account: 'income:interest', amount: ['amount'] },
    ],
  },
  {
    id: 'penalty-accrued',
    version: 1,
    eventType: 'penalty.accrued',
    eventVersion: 1,
    description: 'Penalty accrued on loan {loanId} for {businessDate}',
    effectiveAt: 'businessDate',
    lines: [
      { side: 'debit', account: 'assets:receivable:penalty:{loanId}', amount: ['amount'] },
      { side: 'credit', account: 'income:penalty', amount: ['amount'] },
    ],
  },
  {
    id: 'loan-charged-off',
    version: 1,
    eventType: 'loan.charged-off',
    eventVersion: 1,
    description: 'Loan {loanId} of customer {customerId} charged off on {businessDate}',
    effectiveAt: 'businessDate',
    lines: [
      {
        side: 'debit',
        account: 'expense:credit-loss',
        amount: ['principal', 'interest', 'fee', 'penalty'],
      },
      { side: 'credit', account: 'assets:loans:principal:{loanId}', amount: ['principal'] },
      { side: 'credit', account: 'assets:receivable:interest:{loanId}', amount: ['interest'] },
      { side: 'credit', account: 'assets:receivable:fee:{loanId}', amount: ['fee'] },
      { side: 'credit', account: 'assets:receivable:penalty:{loanId}', amount: ['penalty'] },
    ],
  },
  {
    id: 'recovery-received',
    version: 1,
    eventType: 'recovery.received',
    eventVersion: 1,
    description: 'Recovery {recoveryId} on charged-off loan {loanId}',
    effectiveAt: 'receivedAt',
    lines: [
      { side: 'debit', account: 'assets:bank:settlement', amount: ['amount'] },
      { side: 'credit', account: 'income:recovery', amount: ['amount'] },
    ],
  },
]);

/** The rules as a JSON document, e.g. for `GET /posting-rules`. A copy: callers may change it. */
export function rulesDocument(rules: readonly PostingRule[] = postingRules): {
  rules: PostingRule[];
} {
  return { rules: JSON.parse(JSON.stringify(rules)) as PostingRule[] };
}
