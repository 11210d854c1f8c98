import type { Logger } from 'pino';
import { isInvariantViolation } from '@credit/kernel';

/** Exit status of a broken invariant (sysexits EX_SOFTWARE). */
export const ExitCodeInvariant = 70;

/**
 * Stops the process on a broken invariant: corrupt state is never carried forward (no 500 that
 * lets the next request run on it, no dead letter that moves the partition on). The one way the
 * platform crashes; components take it as a parameter so tests observe it without exiting.
 */
export type Crash = (error: Error, logger: Logger) => void;

export const crashProcess: Crash = (error, logger) => {
  // pino's default destination writes synchronously: the line is out before the exit.
  logger.fatal({ err: error }, 'broken invariant: stopping, corrupt state must not be carried on');
  process.exit(ExitCodeInvariant);
};

/**
 * Crashes when `error` is a broken invariant; returns otherwise (the caller handles the error as
 * before). True when it called `crash` (which only returns under test).
 */
export function crashOnInvariant(error: unknown, logger: Logger, crash: Crash): boolean {
  if (!isInvariantViolation(error)) return false;
  crash(error, logger);
  return true;
}
