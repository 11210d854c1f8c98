import { z } from 'zod';
import { serviceEnvShape } from '@credit/platform';

/** The application service's environment: the shared variables (see .env.example). */
export const applicationEnvSchema = z.object({ ...serviceEnvShape });

export type ApplicationConfig = z.infer<typeof applicationEnvSchema>;
