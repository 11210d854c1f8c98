import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The ledger service's environment: the shared variables (see .env.example). */
export const ledgerEnvSchema = z.object({ ...serviceEnvShape });

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;
