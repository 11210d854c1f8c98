import { randomBytes } from 'node:crypto';
import { type TestApp, startTestApp } from '@credit/platform';
import { ApplicationModule } from '../src/app.module';
import { applicationEnvSchema } from '../src/config/env';

/** The application service's personal-data settings for a test: two master keys, k1 active. */
export function testPiiEnv(keys = { old: randomBytes(32), k1: randomBytes(32) }) {
  return {
    APPLICATION_PII_KEYS: `old:${keys.old.toString('base64')},k1:${keys.k1.toString('base64')}`,
    APPLICATION_PII_ACTIVE_KEY_ID: 'k1',
    APPLICATION_CUSTOMER_ID_PEPPER: 'test-pepper-0123456789abcdef',
  };
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
