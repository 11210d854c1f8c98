/**
 * The ledger's accounts and entries as its API and its domain both read them: account types, the
 * account id's shape and the description's length (lines and id length: events/ledger.ts).
 */

export const ledgerAccountTypes = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type LedgerAccountType = (typeof ledgerAccountTypes)[number];

/** Colon-separated hierarchy: a lowercase root, then segments such as a loan or customer id. */
export const LedgerAccountIdPattern = /^[a-z][a-z0-9-]*(:[A-Za-z0-9._-]+){1,7}$/;
/** An entry's description: 1 to this many characters. */
export const LedgerDescriptionLengthMax = 500;
