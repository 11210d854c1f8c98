import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/** Times a transaction is retried after losing a race on a unique key, a deadlock or a serialization failure. */
export const TransactionAttemptsMax = 3;

const RetryableSqlStates = new Set(['23505', '40P01', '40001']);

function sqlState(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `work` in a transaction. A concurrent request with the same idempotency key makes the
 * loser's INSERT fail on the unique index; running again finds the winner's row and answers from
 * it, so the caller sees an idempotent replay, never the race.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      const state = sqlState(error);
      if (
        attempt >= TransactionAttemptsMax ||
        state === undefined ||
        !RetryableSqlStates.has(state)
      )
        throw error;
    }
  }
}
