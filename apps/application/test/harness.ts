import { randomBytes } from 'node:crypto';
import { customerIdOf } from '@credit/kernel';
import { type TestApp, type TestResponse, startTestApp } from '@credit/platform';
import { ApplicationModule } from '../src/app.module';
import { applicationEnvSchema } from '../src/config/env';

/** The customer id pepper of the application service's tests. */
export const TestCustomerIdPepper = 'test-pepper-0123456789abcdef';

/** The application service's personal-data settings for a test: two master keys, k1 active. */
export function testPiiEnv(keys = { old: randomBytes(32), k1: randomBytes(32) }) {
  return {
    APPLICATION_PII_KEYS: `old:${keys.old.toString('base64')},k1:${keys.k1.toString('base64')}`,
    APPLICATION_PII_ACTIVE_KEY_ID: 'k1',
    APPLICATION_CUSTOMER_ID_PEPPER: TestCustomerIdPepper,
  };
}

/** The customer a national ID is under the test pepper. */
export const customerOfNationalId = (nationalId: string) =>
  customerIdOf(nationalId, TestCustomerIdPepper);

/** The customer who submits an application body: its applicant's (anyCustomer without an ID). */
export function applicantCustomerOf(body: unknown): string | undefined {
  const nationalId = (body as { applicant?: { nationalId?: unknown } } | null)?.applicant
    ?.nationalId;
  return typeof nationalId === 'string' ? customerOfNationalId(nationalId) : undefined;
}

/** POST /v1/applications as the applicant's own customer, as a customer applies. */
export function submitAsApplicant(
  app: TestApp,
  idempotencyKey: string | undefined,
  body: unknown,
): Promise<TestResponse> {
  return app.request('POST', '/v1/applications', {
    role: 'customer',
    customer: applicantCustomerOf(body),
    idempotencyKey,
    body,
  });
}

/** The application service in-process on a fresh `database` (startTestApp), with `env`. */
export function startApplication(
  database: string,
  env: Record<string, string> = testPiiEnv(),
): Promise<TestApp> {
  return startTestApp({
    service: 'application',
    database,
    envSchema: applicationEnvSchema,
    module: (config, logger) => ApplicationModule.register(config, logger),
    env,
  });
}
