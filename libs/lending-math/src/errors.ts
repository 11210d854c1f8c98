import { CodedError } from '@credit/kernel';

/**
 * Stable, machine-readable error codes for expected failures (bad input). Callers branch on
 * `code`, never on `message`. A broken internal invariant is not one of these: it throws an
 * `InvariantViolation` (`invariant()` of `@credit/kernel`) and must crash the caller.
 */
export const LendingErrorCode = {
  /** A count, rate, amount or option is out of range or malformed. */
  INVALID_ARGUMENT: 'LENDING.INVALID_ARGUMENT',
  /** A date is not a valid ISO `YYYY-MM-DD` calendar date, or dates are out of order. */
  INVALID_DATE: 'LENDING.INVALID_DATE',
  /** An installment plan has no fee rate for its number of periods. */
  UNKNOWN_FEE_RATE: 'LENDING.UNKNOWN_FEE_RATE',
  /** Cash flows do not have exactly one sign change, so they have no unique IRR. */
  NO_UNIQUE_IRR: 'LENDING.NO_UNIQUE_IRR',
  /** The IRR solver did not converge within its iteration bound. */
  NO_CONVERGENCE: 'LENDING.NO_CONVERGENCE',
} as const;

export type LendingErrorCode = (typeof LendingErrorCode)[keyof typeof LendingErrorCode];

/** Every expected failure of `@credit/lending-math` is a `LendingMathError` with a `LENDING.*` code. */
export class LendingMathError extends CodedError<LendingErrorCode> {
  override readonly name = 'LendingMathError';
}

export function isLendingMathError(error: unknown): error is LendingMathError {
  return error instanceof LendingMathError;
}
