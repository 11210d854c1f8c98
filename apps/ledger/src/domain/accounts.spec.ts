import {
  AccountIdLengthMax,
  assertAccountId,
  creditLineAccounts,
  defaultNormalSide,
  subaccountOf,
  templateFor,
  type Account,
} from './accounts';
import { Money } from '@credit/money';
import { LedgerError } from './ledger-error';

const account = (id: string, overrides: Partial<Account> = {}): Account => ({
  id,
  name: id,
  type: 'asset',
  normalSide: 'debit',
  currency: 'CNY',
  minBalance: null,
  maxBalance: null,
  allowsSubaccounts: false,
  parentId: null,
  ...overrides,
});

const chart = new Map<string, Account>(
  [
    account('assets:bank:settlement'),
    account('assets:loans:principal', {
      name: 'Loans receivable (principal)',
      minBalance: 0n,
      allowsSubaccounts: true,
    }),
    account('liabilities:merchant-payable', {
      name: 'Merchant payable',
      type: 'liability',
      normalSide: 'credit',
      minBalance: 0n,
      allowsSubaccounts: true,
    }),
    account('assets:credit-line', {
      name: 'Credit line',
      currency: 'USD',
      minBalance: 0n,
      maxBalance: 500_000n,
      allowsSubaccounts: true,
    }),
    account('assets:credit-line:vip', {
      name: 'VIP credit line',
      currency: 'USD',
      minBalance: 0n,
      maxBalance: 5_000_000n,
      allowsSubaccounts: true,
    }),
    account('assets:receivable:fee:legacy'),
    account('assets:receivable:fee', { minBalance: 0n, allowsSubaccounts: true }),
  ].map((a) => [a.id, a]),
);
const find = (id: string) => chart.get(id);

describe('defaultNormalSide', () => {
  it.each([
    ['asset', 'debit'],
    ['expense', 'debit'],
    ['liability', 'credit'],
    ['equity', 'credit'],
    ['income', 'credit'],
  ] as const)('a %s account normally carries a %s balance', (type, side) => {
    expect(defaultNormalSide(type)).toBe(side);
  });
});

describe('assertAccountId', () => {
  it.each([
    'assets:bank:settlement',
    'assets:loans:principal:L-2024.05_01',
    'liabilities:merchant-payable:M-1',
    'a:b',
    'assets:1:2:3:4:5:6:7',
  ])('accepts %s', (id) => {
    expect(() => assertAccountId(id)).not.toThrow();
  });

  it.each([
    ['a lone root', 'assets'],
    ['an upper-case root', 'Assets:bank'],
    ['an empty segment', 'assets::bank'],
    ['a trailing colon', 'assets:bank:'],
    ['a space', 'assets:bank settlement'],
    ['more than 8 segments', 'assets:1:2:3:4:5:6:7:8'],
    ['a slash', 'assets:bank/settlement'],
  ])('rejects %s as LEDGER.INVALID_ACCOUNT', (_what, id) => {
    let caught: unknown;
    try {
      assertAccountId(id);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LedgerError);
    expect((caught as LedgerError).code).toBe('LEDGER.INVALID_ACCOUNT');
    expect((caught as LedgerError).details).toEqual({ account: id });
  });

  it(`rejects an id longer than ${AccountIdLengthMax} characters`, () => {
    const segment = 'x'.repeat(AccountIdLengthMax - 'assets:'.length);
    expect(() => assertAccountId(`assets:${segment}`)).not.toThrow();
    expect(() => assertAccountId(`assets:${segment}x`)).toThrow(LedgerError);
  });
});

describe('templateFor', () => {
  it('finds the template of a loan sub-account', () => {
    expect(templateFor('assets:loans:principal:L-1', find)?.id).toBe('assets:loans:principal');
  });

  it('uses the longest existing prefix when templates are nested', () => {
    expect(templateFor('assets:credit-line:vip:C-1', find)?.id).toBe('assets:credit-line:vip');
    expect(templateFor('assets:credit-line:C-1', find)?.id).toBe('assets:credit-line');
  });

  it('climbs past missing intermediate levels to the nearest template', () => {
    expect(templateFor('assets:loans:principal:L-1:tranche-2', find)?.id).toBe(
      'assets:loans:principal',
    );
  });

  it('is undefined under a plain account: no sub-accounts of assets:bank:settlement', () => {
    expect(templateFor('assets:bank:settlement:X', find)).toBeUndefined();
  });

  it('stops at the longest existing prefix even when it is not a template and a shorter one is', () => {
    expect(templateFor('assets:receivable:fee:legacy:F-1', find)).toBeUndefined();
    expect(templateFor('assets:receivable:fee:F-1', find)?.id).toBe('assets:receivable:fee');
  });

  it('is undefined when no prefix exists at all, and never looks at the id itself or the lone root', () => {
    const seen: string[] = [];
    const spy = (id: string) => {
      seen.push(id);
      return find(id);
    };
    expect(templateFor('unknown:a:b', spy)).toBeUndefined();
    expect(seen).toEqual(['unknown:a']);
    expect(templateFor('assets:loans:principal', find)).toBeUndefined();
  });
});

describe('subaccountOf', () => {
  it('inherits type, side, currency and limits, is not itself a template, and names its parent', () => {
    const template = chart.get('assets:credit-line');
    if (!template) throw new Error('missing template');
    expect(subaccountOf(template, 'assets:credit-line:C-1001')).toEqual({
      id: 'assets:credit-line:C-1001',
      name: 'Credit line C-1001',
      type: 'asset',
      normalSide: 'debit',
      currency: 'USD',
      minBalance: 0n,
      maxBalance: 500_000n,
      allowsSubaccounts: false,
      parentId: 'assets:credit-line',
    });
  });

  it('keeps the credit side of a liability template and names a deeper suffix in full', () => {
    const template = templateFor('liabilities:merchant-payable:M-1:store-7', find);
    if (!template) throw new Error('missing template');
    const sub = subaccountOf(template, 'liabilities:merchant-payable:M-1:store-7');
    expect(sub).toMatchObject({
      name: 'Merchant payable M-1:store-7',
      type: 'liability',
      normalSide: 'credit',
      minBalance: 0n,
      parentId: 'liabilities:merchant-payable',
    });
  });
});

describe('creditLineAccounts', () => {
  it('a drawn account capped at the limit and a commitment, both never below zero', () => {
    const [drawn, commitment] = creditLineAccounts('CL-7', Money.of('20000.00', 'CNY'));
    expect(drawn).toEqual({
      id: 'assets:credit-line-drawn:CL-7',
      name: 'Drawn on credit line CL-7',
      type: 'asset',
      normalSide: 'debit',
      currency: 'CNY',
      minBalance: 0n,
      maxBalance: 2_000_000n,
      allowsSubaccounts: false,
      parentId: 'assets:credit-line-drawn',
    });
    expect(commitment).toMatchObject({
      id: 'liabilities:credit-line-commitment:CL-7',
      type: 'liability',
      normalSide: 'credit',
      minBalance: 0n,
      maxBalance: null,
      parentId: 'liabilities:credit-line-commitment',
    });
  });
});
