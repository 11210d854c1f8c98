import type { EventEnvelope } from '@credit/contracts';
import {
  chargedOffLoan,
  cny,
  disbursedCashLoan as cashLoan,
  disbursedInstallmentPurchase as installmentPurchase,
  errorOf,
} from '@credit/testing';
import { validateEntry, type EntryDraft } from '../journal';
import { LedgerError } from '../ledger-error';
import { evaluatePosting } from './evaluate';
import { postingRuleAccounts, validatePostingRules, type PostingRule } from './posting-rule';
import { postingRules, rulesDocument } from './rules';

const eventId = '5b0f6c1e-2f0e-4f43-9d55-0a4c5c4e9a11';

function envelope(type: string, payload: unknown, version = 1): EventEnvelope {
  return {
    eventId,
    type,
    version,
    occurredAt: '2024-05-01T08:00:00.000Z',
    correlationId: 'corr-1',
    causationId: null,
    key: 'L-1',
    producer: 'test',
    payload,
  };
}

/** Lines as `side account amount` strings: easy to read, order-sensitive. */
function linesOf(draft: EntryDraft): string[] {
  return draft.lines.map((line) => `${line.side} ${line.account} ${line.amount} ${line.currency}`);
}

function post(event: EventEnvelope, rules: readonly PostingRule[] = postingRules) {
  const draft = evaluatePosting(event, rules);
  validateEntry(draft);
  return draft;
}

const ledgerErrorOf = (action: () => unknown) => errorOf(action, LedgerError);

const repayment = (allocation: Record<string, string>, amount: string) => ({
  repaymentId: 'R-9',
  lineId: null,
  loanId: 'L-1',
  customerId: 'C-1',
  amount: cny(amount),
  allocation: Object.fromEntries(Object.entries(allocation).map(([k, v]) => [k, cny(v)])),
  receivedAt: '2024-06-01T09:30:00Z',
});

describe('posting rules', () => {
  describe('loan.disbursed', () => {
    it('cash-loan-disbursed-moves-principal-from-bank-to-loan', () => {
      const draft = post(envelope('loan.disbursed', cashLoan));
      expect(linesOf(draft)).toEqual([
        'debit assets:loans:principal:L-1 10000.00 CNY',
        'credit assets:bank:settlement 10000.00 CNY',
      ]);
      expect(draft).toMatchObject({
        idempotencyKey: `event:${eventId}`,
        sourceEventId: eventId,
        sourceEventType: 'loan.disbursed',
        rule: 'loan-disbursed-cash-loan@v1',
        reversesEntryId: null,
        effectiveAt: '2024-05-01T00:00:00.000Z',
        description: 'Cash loan L-1 disbursed to customer C-1',
        metadata: {
          eventType: 'loan.disbursed',
          eventVersion: 1,
          correlationId: 'corr-1',
          key: 'L-1',
        },
      });
    });

    it('installment-purchase-with-merchant-fee-posts-net-payable-and-fee-income', () => {
      const draft = post(envelope('loan.disbursed', installmentPurchase));
      expect(draft.rule).toBe('loan-disbursed-installment-purchase@v1');
      expect(linesOf(draft)).toEqual([
        'debit assets:loans:principal:L-2 3000.00 CNY',
        'credit liabilities:merchant-payable:M-7 2954.50 CNY',
        'credit income:installment-fee 45.50 CNY',
      ]);
    });

    it('installment-purchase-without-merchant-fee-owes-merchant-the-full-principal', () => {
      const draft = post(envelope('loan.disbursed', { ...installmentPurchase, merchantFee: null }));
      expect(linesOf(draft)).toEqual([
        'debit assets:loans:principal:L-2 3000.00 CNY',
        'credit liabilities:merchant-payable:M-7 3000.00 CNY',
      ]);
    });
  });

  it('fee-charged-books-receivable-and-fee-income', () => {
    const draft = post(
      envelope('fee.charged', {
        loanId: 'L-2',
        customerId: 'C-1',
        period: 2,
        amount: cny('15.17'),
        chargedAt: '2024-06-01T00:00:00Z',
      }),
    );
    expect(draft.rule).toBe('fee-charged@v1');
    expect(linesOf(draft)).toEqual([
      'debit assets:receivable:fee:L-2 15.17 CNY',
      'credit income:installment-fee 15.17 CNY',
    ]);
  });

  it('merchant-settled-pays-down-the-merchant-payable-on-the-business-date', () => {
    const draft = post(
      envelope('merchant.settled', {
        settlementId: 'S-3',
        merchantId: 'M-7',
        amount: cny('2954.50'),
        businessDate: '2024-05-02',
      }),
    );
    expect(draft.effectiveAt).toBe('2024-05-02T00:00:00.000Z');
    expect(linesOf(draft)).toEqual([
      'debit liabilities:merchant-payable:M-7 2954.50 CNY',
      'credit assets:bank:settlement 2954.50 CNY',
    ]);
  });

  describe('repayment.allocated', () => {
    it('repayment-in-full-waterfall-credits-each-receivable', () => {
      const draft = post(
        envelope(
          'repayment.allocated',
          repayment(
            {
              penalty: '1.00',
              interest: '10.00',
              fee: '5.00',
              principal: '84.00',
              overpayment: '0.00',
            },
            '100.00',
          ),
        ),
      );
      expect(linesOf(draft)).toEqual([
        'debit assets:bank:settlement 100.00 CNY',
        'credit assets:receivable:penalty:L-1 1.00 CNY',
        'credit assets:receivable:interest:L-1 10.00 CNY',
        'credit assets:receivable:fee:L-1 5.00 CNY',
        'credit assets:loans:principal:L-1 84.00 CNY',
      ]);
    });

    it('repayment-with-overpayment-credits-customer-balance', () => {
      const draft = post(
        envelope(
          'repayment.allocated',
          repayment(
            {
              penalty: '0.00',
              interest: '0.00',
              fee: '0.00',
              principal: '50.00',
              overpayment: '20.01',
            },
            '70.01',
          ),
        ),
      );
      expect(linesOf(draft)).toEqual([
        'debit assets:bank:settlement 70.01 CNY',
        'credit assets:loans:principal:L-1 50.00 CNY',
        'credit liabilities:customer-credit:C-1 20.01 CNY',
      ]);
    });

    it('repayment-zero-components-are-dropped', () => {
      const draft = post(
        envelope(
          'repayment.allocated',
          repayment(
            {
              penalty: '0',
              interest: '12.34',
              fee: '0.00',
              principal: '0.00',
              overpayment: '0.00',
            },
            '12.34',
          ),
        ),
      );
      expect(linesOf(draft)).toEqual([
        'debit assets:bank:settlement 12.34 CNY',
        'credit assets:receivable:interest:L-1 12.34 CNY',
      ]);
    });

    it('repayment-allocation-not-summing-to-amount-is-unbalanced', () => {
      const draft = evaluatePosting(
        envelope(
          'repayment.allocated',
          repayment(
            {
              penalty: '0.00',
              interest: '10.00',
              fee: '0.00',
              principal: '80.00',
              overpayment: '0.00',
            },
            '100.00',
          ),
        ),
        postingRules,
      );
      const error = ledgerErrorOf(() => validateEntry(draft));
      expect(error.code).toBe('LEDGER.UNBALANCED');
      expect(error.details).toEqual({ differences: { CNY: '10.00' } });
    });
  });

  it('interest-accrued-books-receivable-and-interest-income', () => {
    const draft = post(
      envelope('interest.accrued', {
        loanId: 'L-1',
        customerId: 'C-1',
        businessDate: '2024-05-31',
        amount: cny('4.93'),
      }),
    );
    expect(draft.description).toBe('Interest accrued on loan L-1 for 2024-05-31');
    expect(draft.effectiveAt).toBe('2024-05-31T00:00:00.000Z');
    expect(linesOf(draft)).toEqual([
      'debit assets:receivable:interest:L-1 4.93 CNY',
      'credit income:interest 4.93 CNY',
    ]);
  });

  it('penalty-accrued-books-receivable-and-penalty-income', () => {
    const draft = post(
      envelope('penalty.accrued', {
        loanId: 'L-1',
        customerId: 'C-1',
        businessDate: '2024-07-02',
        amount: cny('0.50'),
      }),
    );
    expect(linesOf(draft)).toEqual([
      'debit assets:receivable:penalty:L-1 0.50 CNY',
      'credit income:penalty 0.50 CNY',
    ]);
  });

  it('loan-charged-off-moves-all-balances-to-credit-loss-and-drops-zero-parts', () => {
    const draft = post(envelope('loan.charged-off', chargedOffLoan));
    expect(draft.rule).toBe('loan-charged-off@v1');
    expect(linesOf(draft)).toEqual([
      'debit expense:credit-loss 8156.43 CNY',
      'credit assets:loans:principal:L-1 8000.00 CNY',
      'credit assets:receivable:interest:L-1 120.33 CNY',
      'credit assets:receivable:penalty:L-1 36.10 CNY',
    ]);
  });

  it('recovery-received-on-charged-off-loan-is-recovery-income', () => {
    const draft = post(
      envelope('recovery.received', {
        recoveryId: 'RC-1',
        loanId: 'L-1',
        customerId: 'C-1',
        amount: cny('500.00'),
        receivedAt: '2025-02-01T12:00:00Z',
      }),
    );
    expect(linesOf(draft)).toEqual([
      'debit assets:bank:settlement 500.00 CNY',
      'credit income:recovery 500.00 CNY',
    ]);
  });

  it('amounts-are-written-at-currency-scale', () => {
    const draft = post(envelope('loan.disbursed', { ...cashLoan, principal: cny('10000.5') }));
    expect(draft.lines.map((line) => line.amount)).toEqual(['10000.50', '10000.50']);
  });

  describe('failures', () => {
    it('event-without-a-rule-is-no-posting-rule-naming-type-and-version', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(envelope('loan.disbursed', cashLoan, 2), postingRules),
      );
      expect(error.code).toBe('LEDGER.NO_POSTING_RULE');
      expect(error.message).toContain('loan.disbursed version 2');
    });

    it('event-whose-when-matches-no-rule-is-no-posting-rule', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('loan.disbursed', { ...cashLoan, product: 'mortgage' }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.NO_POSTING_RULE');
    });

    it('two-matching-rules-are-ambiguous', () => {
      const base = postingRules.find((rule) => rule.id === 'interest-accrued');
      if (!base) throw new Error('interest-accrued rule missing');
      const rules = [...postingRules, { ...base, id: 'interest-accrued-copy' }];
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('interest.accrued', {
            loanId: 'L-1',
            customerId: 'C-1',
            businessDate: '2024-05-31',
            amount: cny('4.93'),
          }),
          rules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.message).toContain('ambiguous');
      expect(error.details['rules']).toEqual(['interest-accrued@v1', 'interest-accrued-copy@v1']);
    });

    it('merchant-fee-above-principal-makes-a-negative-line-naming-rule-and-line', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('loan.disbursed', { ...installmentPurchase, merchantFee: cny('3000.01') }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.message).toContain('loan-disbursed-installment-purchase@v1');
      expect(error.message).toContain('line 1 (credit liabilities:merchant-payable:{merchantId})');
      expect(error.details).toMatchObject({ line: 1, amount: '-0.01' });
    });

    it('placeholder-value-with-a-colon-is-rejected', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('loan.disbursed', { ...cashLoan, loanId: 'L-1:evil' }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.details).toMatchObject({ rule: 'loan-disbursed-cash-loan@v1', path: 'loanId' });
    });

    it('placeholder-value-that-is-not-a-string-is-rejected', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(envelope('loan.disbursed', { ...cashLoan, loanId: 42 }), postingRules),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.details).toMatchObject({ path: 'loanId' });
    });

    it('missing-amount-field-is-rule-failed', () => {
      const { principal: _principal, ...withoutPrincipal } = cashLoan;
      const error = ledgerErrorOf(() =>
        evaluatePosting(envelope('loan.disbursed', withoutPrincipal), postingRules),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.message).toContain('no principal');
    });

    it('json-number-amount-is-rule-failed', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('loan.disbursed', {
            ...cashLoan,
            principal: { amount: 10000, currency: 'CNY' },
          }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.details).toMatchObject({ path: 'principal' });
    });

    it('mixed-currencies-in-one-entry-are-rule-failed', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('repayment.allocated', {
            ...repayment(
              {
                penalty: '0.00',
                interest: '0.00',
                fee: '0.00',
                principal: '100.00',
                overpayment: '0.00',
              },
              '100.00',
            ),
            amount: { amount: '100.00', currency: 'USD' },
          }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.message).toContain('one currency');
    });

    it('unparseable-effective-date-is-rule-failed', () => {
      const error = ledgerErrorOf(() =>
        evaluatePosting(
          envelope('loan.disbursed', { ...cashLoan, disbursedAt: 'yesterday' }),
          postingRules,
        ),
      );
      expect(error.code).toBe('LEDGER.RULE_FAILED');
      expect(error.message).toContain('effectiveAt');
    });
  });

  describe('the rule set', () => {
    it('repayment-on-a-line-releases-the-principal-repaid-on-the-line', () => {
      const draft = evaluatePosting(
        envelope('repayment.allocated', {
          ...repayment(
            {
              penalty: '0.00',
              interest: '5.00',
              fee: '0.00',
              principal: '95.00',
              overpayment: '0.00',
            },
            '100.00',
          ),
          lineId: 'CL-1',
        }),
        postingRules,
      );
      expect(draft.rule).toBe('repayment-allocated-on-line@v1');
      expect(draft.lines).toEqual(
        expect.arrayContaining([
          {
            account: 'liabilities:credit-line-commitment:CL-1',
            side: 'debit',
            amount: '95.00',
            currency: 'CNY',
          },
          {
            account: 'assets:credit-line-drawn:CL-1',
            side: 'credit',
            amount: '95.00',
            currency: 'CNY',
          },
        ]),
      );
      expect(() => validateEntry(draft)).not.toThrow();
    });

    it('references-exactly-the-seeded-account-roots', () => {
      expect([...postingRuleAccounts(postingRules)].sort()).toEqual([
        'assets:bank:settlement',
        'assets:credit-line-drawn',
        'assets:loans:principal',
        'assets:receivable:fee',
        'assets:receivable:interest',
        'assets:receivable:penalty',
        'expense:credit-loss',
        'income:installment-fee',
        'income:interest',
        'income:penalty',
        'income:recovery',
        'liabilities:credit-line-commitment',
        'liabilities:customer-credit',
        'liabilities:merchant-payable',
      ]);
    });

    it('rules-document-is-plain-json-and-a-copy', () => {
      const document = rulesDocument();
      expect(JSON.parse(JSON.stringify(document))).toEqual(document);
      expect(document.rules.map((rule) => `${rule.id}@v${rule.version}`)).toContain(
        'repayment-allocated@v2',
      );
      document.rules.pop();
      expect(rulesDocument().rules).toHaveLength(postingRules.length);
    });

    it('shipped-rules-are-frozen', () => {
      const rule = postingRules[0];
      expect(Object.isFrozen(postingRules)).toBe(true);
      expect(Object.isFrozen(rule?.lines[0]?.amount)).toBe(true);
    });

    it.each([
      ['unknown-side', { side: 'both' }],
      ['bad-placeholder-path', { account: 'assets:loans:principal:{loan id}' }],
      ['unbalanced-braces', { account: 'assets:loans:principal:{loanId' }],
      ['account-that-is-not-an-id', { account: 'Assets' }],
      ['empty-amount-list', { amount: [] }],
      ['amount-term-that-is-not-a-path', { amount: ['+principal'] }],
    ])('rule-with-%s-is-rejected-at-load', (_name, change) => {
      const rule = {
        id: 'broken',
        version: 1,
        eventType: 'loan.disbursed',
        eventVersion: 1,
        description: 'Loan {loanId}',
        effectiveAt: 'disbursedAt',
        lines: [
          {
            side: 'debit',
            account: 'assets:loans:principal:{loanId}',
            amount: ['principal'],
            ...change,
          },
          { side: 'credit', account: 'assets:bank:settlement', amount: ['principal'] },
        ],
      };
      expect(() => validatePostingRules([rule])).toThrow(/posting rule broken is invalid/);
    });

    it('rule-ids-are-unique-in-a-set', () => {
      expect(() => validatePostingRules([...postingRules, postingRules[0]])).toThrow(
        /loan-disbursed-cash-loan is defined twice/,
      );
    });

    it('a-rule-with-only-debits-is-rejected-at-load', () => {
      const rule = postingRules.find((r) => r.id === 'recovery-received');
      expect(() =>
        validatePostingRules([
          { ...rule, lines: rule?.lines.map((line) => ({ ...line, side: 'debit' })) },
        ]),
      ).toThrow(/one debit and one credit/);
    });
  });
});
