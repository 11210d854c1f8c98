import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';

/** The ledger service's environment: the shared variables plus its own (see .env.example). */
export const ledgerEnvSchema = z.object({
  ...serviceEnvShape,
  /** Reconcile every business day, checking this often (a day with breaks is run again). */
  RECONCILIATION_SCHEDULE_ENABLED: env.boolean().default(true),
  RECONCILIATION_CHECK_INTERVAL_MS: env.int(1_000, 86_400_000).default(3_600_000),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;
