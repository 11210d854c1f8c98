import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';

/** The ledger service's environment: the shared variables plus its own (see .env.example). */
export const ledgerEnvSchema = z.object({
  ...serviceEnvShape,
  /** Reconcile every business day, checking this often (a day with breaks is run again). */
  RECONCILIATION_SCHEDULE_ENABLED: env.boolean().default(true),
  RECONCILIATION_CHECK_INTERVAL_MS: env.int(1_000, 86_400_000).default(3_600_000),
  /** Group commit of concurrent postings: a group closes at this many entries (≤ PostingBatchMax)... */
  LEDGER_GROUP_COMMIT_MAX_ENTRIES: env.int(1, 500).default(200),
  /** ...or this long after its first posting arrived. */
  LEDGER_GROUP_COMMIT_WINDOW_MS: env.int(0, 1_000).default(1),
  /** Entries waiting for a group at most; beyond it POST /v1/entries answers 503 LEDGER.BUSY. */
  LEDGER_GROUP_COMMIT_QUEUE_MAX_ENTRIES: env.int(1, 1_000_000).default(10_000),
  /** Groups committing at once at most (each holds a database connection). */
  LEDGER_GROUP_COMMIT_CONCURRENCY_MAX: env.int(1, 64).default(4),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;
