import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The portfolio service's environment: the shared variables (see .env.example). */
export const portfolioEnvSchema = z.object({ ...serviceEnvShape });

export type PortfolioConfig = z.infer<typeof portfolioEnvSchema>;
