import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';

/** The repayment service's environment: the shared variables plus its own (see .env.example). */
export const repaymentEnvSchema = z.object({
  ...serviceEnvShape,
  /** Days past due at which a loan is charged off. */
  CHARGE_OFF_DPD: env.int(30, 3650).default(180),
  /** Close yesterday's business date automatically (checked every COB_CHECK_INTERVAL_MS). */
  COB_SCHEDULE_ENABLED: env.boolean().default(true),
  COB_CHECK_INTERVAL_MS: env.int(1_000, 86_400_000).default(600_000),
});

export type RepaymentConfig = z.infer<typeof repaymentEnvSchema>;
