import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';
import type { PolicyLimits } from '../domain/rules';

/** A share such as "0.5": a decimal string greater than 0 and at most 1 (never a JS float). */
const share = () =>
  z
    .string()
    .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'must be a decimal string from 0 to 1 such as "0.5"')
    .refine((value) => /[1-9]/.test(value), 'must be greater than 0');

/** The scoring service's environment: the shared variables plus its policy limits (see .env.example). */
export const scoringEnvSchema = z
  .object({
    ...serviceEnvShape,
    /** New monthly installment + existing monthly debt ≤ this share of monthly income. */
    SCORING_AFFORDABILITY_MAX_SHARE: share().default('0.5'),
    /** Σ approved credit-line limits of a customer ≤ this multiple of monthly income. */
    SCORING_EXPOSURE_INCOME_MULTIPLE: env.int(1, 100).default(10),
    /** Applications per customer per (UTC) day; the next one is declined. */
    SCORING_VELOCITY_MAX_PER_DAY: env.int(1, 1_000).default(5),
    /** Age range lent to, in years, both inclusive. */
    SCORING_AGE_MIN: env.int(0, 130).default(18),
    SCORING_AGE_MAX: env.int(0, 130).default(70),
  })
  .superRefine((config, ctx) => {
    if (config.SCORING_AGE_MIN > config.SCORING_AGE_MAX) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCORING_AGE_MAX'],
        message: `must not be below SCORING_AGE_MIN (${config.SCORING_AGE_MIN})`,
      });
    }
  });

export type ScoringConfig = z.infer<typeof scoringEnvSchema>;

/** The policy limits of the configuration, in the domain's terms. */
export function policyLimitsOf(config: ScoringConfig): PolicyLimits {
  return {
    affordabilityMaxShare: config.SCORING_AFFORDABILITY_MAX_SHARE,
    exposureIncomeMultiple: config.SCORING_EXPOSURE_INCOME_MULTIPLE,
    velocityMaxPerDay: config.SCORING_VELOCITY_MAX_PER_DAY,
    ageMin: config.SCORING_AGE_MIN,
    ageMax: config.SCORING_AGE_MAX,
  };
}
