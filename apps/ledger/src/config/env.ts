import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';

/** The ledger service's environment: the shared variables plus its own (see .env.example). */
export const ledgerEnvSchema = z.object({
  ...serviceEnvShape,
  /** Where reconciliation reads each loan's figures from. */
  REPAYMENT_URL: env.url(['http', 'https']).default('http://127.0.0.1:3004'),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;
