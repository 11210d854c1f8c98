/**
 * A broken invariant: state the code cannot explain (a row that must exist is gone, a total that
 * must balance does not). It is not an expected failure with a code: the process stops rather than
 * carry corrupt state forward (TIGER_STYLE). The HTTP error filter, the event consumer and the
 * periodic tasks recognise it and crash the process with exit status 70.
 */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** Asserts what must hold; throws an InvariantViolation when it does not. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}

export function isInvariantViolation(error: unknown): error is InvariantViolation {
  return error instanceof InvariantViolation;
}
