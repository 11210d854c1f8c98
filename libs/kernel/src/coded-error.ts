/**
 * An expected failure (bad input) with a stable, machine-readable `code`: callers branch on `code`,
 * never on `message`. A library's error class extends it with its own code set and `name`, e.g.
 * `class MoneyError extends CodedError<MoneyErrorCode>`. A broken invariant is not one of these
 * (see `invariant()`).
 */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${message}`);
  }
}
