import { z } from 'zod';
import { type BackoffPolicy, worstBackoffMs } from '@credit/kernel';
import { parseCustomerTokenPublicKeys } from './customer-token';

/** A configuration problem found at boot. The message names every offending variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG.INVALID';
  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(
      `invalid configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`,
    );
  }
}

/**
 * Validates the environment once, at boot, against a schema whose keys are variable names.
 * Unknown variables are ignored; missing or malformed ones are all reported together.
 */
export function loadConfig<TShape extends z.ZodRawShape>(
  schema: z.ZodObject<TShape>,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<TShape>> {
  const values: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const raw = env[key];
    values[key] = raw === '' ? undefined : raw;
  }
  const result = schema.safeParse(values);
  if (result.success) {
    const problems = crossFieldProblems(result.data);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: issue.path.map(String).join('.') || '(environment)',
        problem:
          issue.code === 'invalid_type' && issue.input === undefined
            ? 'is required'
            : issue.message,
      })),
    );
  }
  return result.data;
}

/** Rules between variables, checked once each is valid on its own. */
function crossFieldProblems(
  config: Record<string, unknown>,
): { variable: string; problem: string }[] {
  const { CONSUMER_MAX_RETRIES, CONSUMER_RETRY_BACKOFF_MS, CONSUMER_RETRY_BACKOFF_MAX_MS } = config;
  const { KAFKA_SESSION_TIMEOUT_MS } = config;
  if (
    typeof CONSUMER_MAX_RETRIES !== 'number' ||
    typeof CONSUMER_RETRY_BACKOFF_MS !== 'number' ||
    typeof KAFKA_SESSION_TIMEOUT_MS !== 'number'
  )
    return [];
  // A consumer heartbeats between retries, not during a wait: one wait must fit in the session.
  const policy = consumerRetryBackoff({
    CONSUMER_RETRY_BACKOFF_MS,
    CONSUMER_RETRY_BACKOFF_MAX_MS: CONSUMER_RETRY_BACKOFF_MAX_MS as number | undefined,
    KAFKA_SESSION_TIMEOUT_MS,
  });
  const worst = worstBackoffMs(policy, CONSUMER_MAX_RETRIES);
  if (worst < KAFKA_SESSION_TIMEOUT_MS) return [];
  return [
    {
      variable:
        'CONSUMER_RETRY_BACKOFF_MS, CONSUMER_RETRY_BACKOFF_MAX_MS, CONSUMER_MAX_RETRIES, KAFKA_SESSION_TIMEOUT_MS',
      problem: `the longest consumer retry wait (${worst} ms: ${CONSUMER_RETRY_BACKOFF_MS} ms doubled up to retry ${CONSUMER_MAX_RETRIES}, capped at ${policy.maxMs} ms) must be shorter than the session timeout (${KAFKA_SESSION_TIMEOUT_MS} ms), or the group evicts the consumer while it waits`,
    },
  ];
}

/**
 * The consumer's retry schedule: CONSUMER_RETRY_BACKOFF_MS doubled, capped at
 * CONSUMER_RETRY_BACKOFF_MAX_MS or, unset, at half the session timeout (so a wait always fits).
 */
export function consumerRetryBackoff(
  config: Pick<
    ServiceConfig,
    'CONSUMER_RETRY_BACKOFF_MS' | 'CONSUMER_RETRY_BACKOFF_MAX_MS' | 'KAFKA_SESSION_TIMEOUT_MS'
  >,
): BackoffPolicy {
  return {
    initialMs: config.CONSUMER_RETRY_BACKOFF_MS,
    maxMs: config.CONSUMER_RETRY_BACKOFF_MAX_MS ?? Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 2),
  };
}

/** Environment variable helpers: every value arrives as a string. */
export const env = {
  string: () => z.string().min(1),
  url: (protocols: readonly string[]) =>
    z
      .string()
      .min(1)
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `must be a URL with protocol ${protocols.join(' or ')}`,
      ),
  int: (min: number, max: number) =>
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  port: () =>
    z
      .string()
      .regex(/^\d+$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(65535)),
  boolean: () =>
    z
      .enum(['true', 'false'], { message: 'must be "true" or "false"' })
      .transform((v) => v === 'true'),
  list: () =>
    z
      .string()
      .min(1)
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .pipe(z.array(z.string()).min(1)),
};

/** Variables every service reads. Each service extends this with its own. */
export const serviceEnvShape = {
  HTTP_PORT: env.port(),
  /** The runtime role (credit_<service>_app): rows only, owns nothing. */
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  /** The owner role (credit_<service>_owner) the migrations run as at boot; unset: DATABASE_URL. */
  MIGRATIONS_DATABASE_URL: env.url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_MAX: env.int(1, 200).default(10),
  KAFKA_BROKERS: env.list(),
  KAFKA_CONNECT_BACKOFF_INITIAL_MS: env.int(10, 60_000).default(500),
  KAFKA_CONNECT_BACKOFF_MAX_MS: env.int(100, 300_000).default(15_000),
  KAFKA_SESSION_TIMEOUT_MS: env.int(6_000, 300_000).default(30_000),
  /** Where a new consumer group starts: all of history (earliest) or only new events (latest). */
  KAFKA_CONSUMER_START: z.enum(['earliest', 'latest']).default('earliest'),
  /** The service's consumer group; defaults to the service name. Tests give each instance its own. */
  KAFKA_CONSUMER_GROUP: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be 1-100 characters of a-z 0-9 . _ -')
    .optional(),
  // Retries are for faults (a database restart, a lost connection): 8 retries from 200 ms ride out
  // about 50 s of outage before the DLQ. Rejections and invalid events are never retried.
  CONSUMER_MAX_RETRIES: env.int(0, 20).default(8),
  CONSUMER_RETRY_BACKOFF_MS: env.int(0, 60_000).default(200),
  /** The cap of one retry wait (default half the session timeout); it must fit in KAFKA_SESSION_TIMEOUT_MS. */
  CONSUMER_RETRY_BACKOFF_MAX_MS: env.int(0, 300_000).optional(),
  /** Consecutive events of a partition applied in one transaction when all succeed (1: one each). */
  CONSUMER_BATCH_SIZE_MAX: env.int(1, 1_000).default(50),
  /** Admin replays and re-drives apply at most this many events per second (0: no limit), so live traffic keeps its latency. */
  REPLAY_MAX_EVENTS_PER_SECOND: env.int(0, 1_000_000).default(2000),
  CONSUMER_PARTITIONS_CONCURRENCY_MAX: env.int(1, 64).default(3),
  /** The relay's safety poll: commits that append events wake it through NOTIFY. */
  OUTBOX_POLL_INTERVAL_MS: env.int(5, 60_000).default(1_000),
  OUTBOX_BATCH_SIZE_MAX: env.int(1, 5_000).default(200),
  /**
   * The public keys customer tokens are verified with: `kid:base64(SPKI DER)` of an Ed25519 key,
   * comma-separated (several kids: rotation). Unset: no customer token is accepted.
   */
  CUSTOMER_TOKEN_PUBLIC_KEYS: z
    .string()
    .min(1)
    .transform((text, ctx) => {
      try {
        return parseCustomerTokenPublicKeys(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** Clock difference tolerated between the token signer and the service (iat, exp), in seconds. */
  CUSTOMER_TOKEN_CLOCK_SKEW_SECONDS: env.int(0, 300).default(60),
  /** The longest lifetime (exp - iat) a customer token may have, in seconds. */
  CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS: env.int(60, 2_592_000).default(86_400),
  /** Bootstrap operator key (holder `bootstrap`, id env-operator); unset: disabled. Issue named credentials instead. */
  OPERATOR_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bootstrap admin key (holder `bootstrap`, id env-admin); unset: disabled. Issue named credentials with it, then unset it. */
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Largest HTTP request body in bytes: a larger one is refused with 413. */
  HTTP_BODY_LIMIT_BYTES: env.int(1_024, 67_108_864).default(1_048_576),
  /** Deepest nesting of arrays and objects in a JSON body: deeper is refused with 400. */
  HTTP_JSON_DEPTH_MAX: env.int(2, 256).default(32),
  /** Origins browsers may call the API from (comma-separated, exact `https://host[:port]`); unset: CORS closed. */
  CORS_ALLOWED_ORIGINS: env
    .list()
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
            'must be origins such as https://app.example.com',
          ),
      ),
    )
    .optional(),
  /** Strict-Transport-Security max-age in seconds (set where TLS ends in front of the service); 0: not sent. */
  HTTP_HSTS_MAX_AGE_SECONDS: env.int(0, 63_072_000).default(0),
  /**
   * Proxies in front of the service (comma-separated addresses, CIDRs, or loopback / linklocal /
   * uniquelocal) whose X-Forwarded-For names the client the failed-auth limit counts; unset: the
   * TCP peer is the source and the header is ignored.
   */
  HTTP_TRUSTED_PROXIES: env
    .list()
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)$/,
            'must be addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal',
          ),
      ),
    )
    .optional(),
  /** Failed authentications a source (client IP) may make at once before 429 (0: no limit). */
  AUTH_FAILURE_BURST: env.int(0, 100_000).default(20),
  /** How fast a source's allowance of failed authentications refills, per minute (0: no limit). */
  AUTH_FAILURES_PER_MINUTE: env.int(0, 100_000).default(10),
  /** OTLP/HTTP base URL spans are exported to (`<url>/v1/traces`, JSON); unset: tracing off. */
  TRACING_OTLP_ENDPOINT: env.url(['http', 'https']).optional(),
  /** This instance's name among the service's instances (admin-action ownership, logs); default host-pid-random. */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1-100 characters of A-Z a-z 0-9 . _ -')
    .optional(),
  /** A running admin action's lease: renewed while it runs; an instance takes over or fails it only after it expired. */
  ADMIN_ACTION_LEASE_MS: env.int(1_000, 3_600_000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const serviceEnvSchema = z.object(serviceEnvShape);
export type ServiceConfig = z.infer<typeof serviceEnvSchema>;
