import {
  LedgerAccountIdLengthMax,
  LedgerAccountIdPattern,
  type LedgerAccountType,
  ledgerAccountTypes,
} from '@credit/contracts';
import type { Money } from '@credit/money';
import { LedgerError } from './ledger-error';

// Account types and the id's shape are shared with the API's schemas through the contracts.
export type AccountType = LedgerAccountType;
export type Side = 'debit' | 'credit';

export const accountTypes: readonly AccountType[] = ledgerAccountTypes;

/** The side on which an account of this type normally carries its balance. */
export function defaultNormalSide(type: AccountType): Side {
  return type === 'asset' || type === 'expense' ? 'debit' : 'credit';
}

/** Colon-separated hierarchy: a lowercase root, then segments such as a loan or customer id. */
export const AccountIdPattern = LedgerAccountIdPattern;
export const AccountIdLengthMax = LedgerAccountIdLengthMax;

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly type: AccountType;
  readonly normalSide: Side;
  readonly currency: string;
  /** Lowest allowed balance on the normal side, in minor units (e.g. 0n: must not go below zero). */
  readonly minBalance: bigint | null;
  /** Highest allowed balance on the normal side, in minor units (a credit limit). */
  readonly maxBalance: bigint | null;
  /** A template: postings to `<id>:<segment>` create that sub-account with these settings. */
  readonly allowsSubaccounts: boolean;
  readonly parentId: string | null;
}

export function assertAccountId(id: string): void {
  if (id.length > AccountIdLengthMax || !AccountIdPattern.test(id)) {
    throw new LedgerError(
      'LEDGER.INVALID_ACCOUNT',
      `account id "${id}" must be a colon-separated hierarchy such as "assets:loans:principal:L-1"`,
      { account: id },
    );
  }
}

/**
 * The sub-account `id` would inherit its settings from: the longest existing prefix that allows
 * sub-accounts. Undefined when no template covers it (the posting is then rejected).
 */
export function templateFor(
  id: string,
  find: (id: string) => Account | undefined,
): Account | undefined {
  const segments = id.split(':');
  for (let length = segments.length - 1; length >= 2; length--) {
    const candidate = find(segments.slice(0, length).join(':'));
    if (candidate) return candidate.allowsSubaccounts ? candidate : undefined;
  }
  return undefined;
}

export function subaccountOf(template: Account, id: string): Account {
  return {
    id,
    name: `${template.name} ${id.slice(template.id.length + 1)}`,
    type: template.type,
    normalSide: template.normalSide,
    currency: template.currency,
    minBalance: template.minBalance,
    maxBalance: template.maxBalance,
    allowsSubaccounts: false,
    parentId: template.id,
  };
}

/**
 * A credit line's memorandum pair: `assets:credit-line-drawn:<lineId>`, capped at the limit, and
 * `liabilities:credit-line-commitment:<lineId>`, both never below zero.
 */
export function creditLineAccounts(lineId: string, limit: Money): [Account, Account] {
  const side = (type: 'asset' | 'liability', parentId: string, name: string): Account => ({
    id: `${parentId}:${lineId}`,
    name: `${name} ${lineId}`,
    type,
    normalSide: type === 'asset' ? 'debit' : 'credit',
    currency: limit.currency,
    minBalance: 0n,
    maxBalance: type === 'asset' ? limit.minorUnits() : null,
    allowsSubaccounts: false,
    parentId,
  });
  return [
    side('asset', 'assets:credit-line-drawn', 'Drawn on credit line'),
    side('liability', 'liabilities:credit-line-commitment', 'Commitment on credit line'),
  ];
}
