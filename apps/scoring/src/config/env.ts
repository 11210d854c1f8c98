import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The scoring service's environment: the shared variables (see .env.example). */
export const scoringEnvSchema = z.object({ ...serviceEnvShape });

export type ScoringConfig = z.infer<typeof scoringEnvSchema>;
