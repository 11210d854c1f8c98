/** Expected ledger failures, each with a stable code. HTTP status is mapped by kind. */
export type LedgerErrorCode =
  | 'LEDGER.INVALID_ENTRY'
  | 'LEDGER.INVALID_QUERY'
  | 'LEDGER.UNBALANCED'
  | 'LEDGER.UNKNOWN_ACCOUNT'
  | 'LEDGER.ACCOUNT_EXISTS'
  | 'LEDGER.INVALID_ACCOUNT'
  | 'LEDGER.CURRENCY_MISMATCH'
  | 'LEDGER.SCALE_EXCEEDED'
  | 'LEDGER.UNKNOWN_CURRENCY'
  | 'LEDGER.LIMIT_EXCEEDED'
  | 'LEDGER.INSUFFICIENT_FUNDS'
  | 'LEDGER.IDEMPOTENCY_CONFLICT'
  | 'LEDGER.ENTRY_NOT_FOUND'
  | 'LEDGER.ALREADY_REVERSED'
  | 'LEDGER.HOLD_NOT_FOUND'
  | 'LEDGER.HOLD_ALREADY_POSTED'
  | 'LEDGER.HOLD_ALREADY_VOIDED'
  | 'LEDGER.HOLD_EXPIRED'
  | 'LEDGER.HOLD_AMOUNT_EXCEEDED'
  | 'LEDGER.NO_POSTING_RULE'
  | 'LEDGER.RULE_FAILED'
  | 'LEDGER.CREDENTIAL_NOT_FOUND';

export type LedgerErrorKind = 'invalid' | 'not-found' | 'conflict' | 'rejected';

const kindOf: Record<LedgerErrorCode, LedgerErrorKind> = {
  'LEDGER.INVALID_ENTRY': 'invalid',
  'LEDGER.INVALID_QUERY': 'invalid',
  'LEDGER.UNBALANCED': 'invalid',
  'LEDGER.UNKNOWN_ACCOUNT': 'invalid',
  'LEDGER.ACCOUNT_EXISTS': 'conflict',
  'LEDGER.INVALID_ACCOUNT': 'invalid',
  'LEDGER.CURRENCY_MISMATCH': 'invalid',
  'LEDGER.SCALE_EXCEEDED': 'invalid',
  'LEDGER.UNKNOWN_CURRENCY': 'invalid',
  'LEDGER.LIMIT_EXCEEDED': 'rejected',
  'LEDGER.INSUFFICIENT_FUNDS': 'rejected',
  'LEDGER.IDEMPOTENCY_CONFLICT': 'conflict',
  'LEDGER.ENTRY_NOT_FOUND': 'not-found',
  'LEDGER.ALREADY_REVERSED': 'conflict',
  'LEDGER.HOLD_NOT_FOUND': 'not-found',
  'LEDGER.HOLD_ALREADY_POSTED': 'conflict',
  'LEDGER.HOLD_ALREADY_VOIDED': 'conflict',
  'LEDGER.HOLD_EXPIRED': 'conflict',
  'LEDGER.HOLD_AMOUNT_EXCEEDED': 'rejected',
  'LEDGER.NO_POSTING_RULE': 'invalid',
  'LEDGER.RULE_FAILED': 'invalid',
  'LEDGER.CREDENTIAL_NOT_FOUND': 'not-found',
};

export class LedgerError extends Error {
  readonly kind: LedgerErrorKind;
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LedgerError';
    this.kind = kindOf[code];
  }

  /**
   * No ledger error succeeds on a retry: invalid input and conflicts never will, and a rejection
   * (a limit, funds) is final because one loan's events arrive in order, so nothing it could wait
   * for is still on its way. A consumer sends such an event to the DLQ at once; database and
   * broker faults (not LedgerErrors) are retried.
   */
  get retriable(): boolean {
    return false;
  }
}
