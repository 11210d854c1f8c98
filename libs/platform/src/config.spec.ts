import { ConfigError, consumerRetryBackoff, loadConfig, serviceEnvSchema } from './config';

const baseEnv = {
  HTTP_PORT: '3000',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OPERATOR_API_KEY: 'operator-key-0123456789',
  ADMIN_API_KEY: 'admin-key-0123456789ab',
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(serviceEnvSchema, { ...baseEnv, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('consumer retry schedule against the session timeout', () => {
  it('accepts the defaults: unset, the cap is half the session timeout, so a wait always fits', () => {
    const config = loadConfig(serviceEnvSchema, baseEnv);
    expect(consumerRetryBackoff(config)).toEqual({ initialMs: 200, maxMs: 15_000 });
    expect(problemsOf({})).toBe('');
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '6000', CONSUMER_MAX_RETRIES: '20' })).toBe('');
  });

  it('refuses a schedule whose longest wait reaches the session timeout, naming the variables', () => {
    const message = problemsOf({
      CONSUMER_RETRY_BACKOFF_MS: '1000',
      CONSUMER_MAX_RETRIES: '6',
      CONSUMER_RETRY_BACKOFF_MAX_MS: '60000',
      KAFKA_SESSION_TIMEOUT_MS: '30000',
    });
    expect(message).toContain('CONSUMER_RETRY_BACKOFF_MS');
    expect(message).toContain('CONSUMER_RETRY_BACKOFF_MAX_MS');
    expect(message).toContain('CONSUMER_MAX_RETRIES');
    expect(message).toContain('KAFKA_SESSION_TIMEOUT_MS');
    expect(message).toContain('32000 ms');
  });

  it('accepts the same schedule once the cap keeps each wait inside the session', () => {
    expect(
      problemsOf({
        CONSUMER_RETRY_BACKOFF_MS: '1000',
        CONSUMER_MAX_RETRIES: '6',
        CONSUMER_RETRY_BACKOFF_MAX_MS: '25000',
        KAFKA_SESSION_TIMEOUT_MS: '30000',
      }),
    ).toBe('');
  });
});

describe('trusted proxies', () => {
  it('takes addresses, CIDRs and the named ranges, and refuses anything else naming the variable', () => {
    const config = loadConfig(serviceEnvSchema, {
      ...baseEnv,
      HTTP_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,fd00::/8',
    });
    expect(config.HTTP_TRUSTED_PROXIES).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(problemsOf({ HTTP_TRUSTED_PROXIES: 'everyone' })).toContain('HTTP_TRUSTED_PROXIES');
    expect(problemsOf({ HTTP_TRUSTED_PROXIES: 'true' })).toContain('HTTP_TRUSTED_PROXIES');
  });
});
