import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The disbursement service's environment: the shared variables (see .env.example). */
export const disbursementEnvSchema = z.object({ ...serviceEnvShape });

export type DisbursementConfig = z.infer<typeof disbursementEnvSchema>;
