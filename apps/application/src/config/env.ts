import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';
import { CustomerIdPepperLengthMin } from '@credit/kernel';
import { PiiKeyIdPattern, parsePiiKeys } from '../personal-data/pii-cipher';

/** `keyId:base64-32-bytes,...` → the keys; the message names the problem, never a key. */
const piiKeys = z
  .string()
  .min(1)
  .transform((text, ctx) => {
    try {
      return parsePiiKeys(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** The application service's environment: the shared variables plus its own (see .env.example). */
export const applicationEnvSchema = z
  .object({
    ...serviceEnvShape,
    /** AES-256-GCM keys for personal data at rest: `keyId:base64-32-bytes`, comma-separated. */
    APPLICATION_PII_KEYS: piiKeys,
    /** The key new values are encrypted with; older keys stay listed until nothing uses them. */
    APPLICATION_PII_ACTIVE_KEY_ID: z
      .string()
      .regex(PiiKeyIdPattern, 'must be 1-32 characters of A-Z a-z 0-9 _ -'),
    /** HMAC key turning a national ID into the customer id. Never change it once in use. */
    APPLICATION_CUSTOMER_ID_PEPPER: z
      .string()
      .min(CustomerIdPepperLengthMin, `must be at least ${CustomerIdPepperLengthMin} characters`),
    /** Days a declined application's personal data is kept after its decision; then erased. */
    APPLICATION_DECLINED_PII_RETENTION_DAYS: env.int(0, 36_500).default(180),
  })
  .superRefine((config, ctx) => {
    if (!config.APPLICATION_PII_KEYS.some((key) => key.id === config.APPLICATION_PII_ACTIVE_KEY_ID))
      ctx.addIssue({
        code: 'custom',
        path: ['APPLICATION_PII_ACTIVE_KEY_ID'],
        message: 'must name one of the keys in APPLICATION_PII_KEYS',
      });
  });

export type ApplicationConfig = z.infer<typeof applicationEnvSchema>;
