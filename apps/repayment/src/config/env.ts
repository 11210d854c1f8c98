import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The repayment service's environment: the shared variables (see .env.example). */
export const repaymentEnvSchema = z.object({ ...serviceEnvShape });

export type RepaymentConfig = z.infer<typeof repaymentEnvSchema>;
