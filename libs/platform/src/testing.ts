import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import pino, { type Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { configureApp } from './bootstrap';
import { mintCustomerToken } from './customer-token';
import { type ServiceConfig, loadConfig } from './config';
import { httpHardeningOf } from './http/hardening';
import { PinoNestLogger } from './logging';

/** API keys of in-process test services (operators and admins; customers use TestCustomerTokens). */
export const TestApiKeys = {
  operator: 'test-operator-key-000000000001',
  admin: 'test-admin-key-0000000000000001',
} as const;

export type TestRole = 'customer' | keyof typeof TestApiKeys;

const testTokenPair = generateKeyPairSync('ed25519');

/**
 * Customer tokens of in-process test services: a key pair of the test run (kid `test-1`), its
 * public key configured in every startTestApp service.
 */
export const TestCustomerTokens = {
  kid: 'test-1',
  /** CUSTOMER_TOKEN_PUBLIC_KEYS of a test service. */
  publicKeys: `test-1:${testTokenPair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  /** Base64 PKCS8 DER: for specs that mint tokens of their own (expired, tampered). */
  privateKey: testTokenPair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  /** A customer who owns nothing: what a customer-role check needs when the customer does not matter. */
  anyCustomer: 'C-00000000000000000000000000000000',
  /** A well-formed customer id made from `seed` (the same seed, the same customer). */
  customerIdOf(seed: string): string {
    return `C-${createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32)}`;
  },
  /** A valid token of `customerId` (one hour). */
  for(customerId: string, ttlSeconds = 3_600): string {
    return mintCustomerToken({
      privateKey: this.privateKey,
      kid: this.kid,
      customerId,
      ttlSeconds,
      now: new Date(),
    });
  },
};

/** Who a test request is made as: a role's key, or `customer` (a token of `customer`, default anyCustomer). */
export interface TestCaller {
  readonly role?: TestRole;
  /** The customer a customer token speaks for (implies the customer role). */
  readonly customer?: string;
}

/** The Authorization header value of a test caller (operator unless told). */
export function testBearerOf(caller: TestCaller = {}): string {
  if (caller.customer !== undefined || caller.role === 'customer')
    return `Bearer ${TestCustomerTokens.for(caller.customer ?? TestCustomerTokens.anyCustomer)}`;
  return `Bearer ${TestApiKeys[caller.role ?? 'operator']}`;
}

export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any JSON shape
  body: any;
  headers: Headers;
}

export interface TestApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  /** The service's own data source: its runtime role, as in production. */
  readonly dataSource: DataSource;
  /** The test database's URLs: runtime role, owner role, superuser. */
  readonly database: ServiceDatabase;
  /**
   * Work the runtime role may not do (tampering behind the triggers, a check as superuser): a
   * superuser connection to the service's database, closed afterwards.
   */
  asSuperuser<T>(work: (client: Client) => Promise<T>): Promise<T>;
  request(
    method: string,
    path: string,
    options?: TestCaller & { body?: unknown; idempotencyKey?: string },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

const postgresUrl = () => process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export async function recreateTestDatabase(name: string): Promise<string> {
  const client = new Client({ connectionString: `${postgresUrl()}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${postgresUrl()}/${name}`;
}

/** A service's database as the platform runs it: roles from tools/scripts/database-roles.sql. */
export interface ServiceDatabase {
  /** The runtime role, credit_<service>_app (DATABASE_URL). */
  readonly url: string;
  /** The owner role, credit_<service>_owner (MIGRATIONS_DATABASE_URL). */
  readonly migrationsUrl: string;
  /** The superuser of TEST_POSTGRES_URL. */
  readonly adminUrl: string;
}

/** The role name part of a service (`admin-test` → `admin_test`): credit_<it>_app, _owner. */
export const databaseRolesOf = (service: string) => {
  const name = service.replace(/-/g, '_');
  return { owner: `credit_${name}_owner`, app: `credit_${name}_app`, service: name };
};

let rolesSql: string | undefined;
/** tools/scripts/database-roles.sql, the setup lib.sh and Docker run too. */
function databaseRolesSql(): string {
  if (rolesSql !== undefined) return rolesSql;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'tools/scripts/database-roles.sql');
    if (existsSync(file)) return (rolesSql = readFileSync(file, 'utf8'));
    if (path.dirname(dir) === dir) throw new Error('tools/scripts/database-roles.sql not found');
  }
}

function roleUrl(role: string, database: string): string {
  const url = new URL(`${postgresUrl()}/${database}`);
  url.username = role;
  url.password = '';
  return url.toString();
}

/**
 * Drops and creates a service's database with its roles, as `npm start` does: the service
 * migrates as credit_<service>_owner and runs as credit_<service>_app.
 */
export async function recreateServiceDatabase(
  service: string,
  name: string,
): Promise<ServiceDatabase> {
  const adminUrl = await recreateTestDatabase(name);
  const roles = databaseRolesOf(service);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`SELECT set_config('credit.service', $1, false)`, [roles.service]);
    await client.query(databaseRolesSql());
  } finally {
    await client.end();
  }
  return serviceDatabaseUrls(service, name);
}

/** The URLs of a service's test database (made by recreateServiceDatabase). */
export function serviceDatabaseUrls(service: string, name: string): ServiceDatabase {
  const roles = databaseRolesOf(service);
  return {
    url: roleUrl(roles.app, name),
    migrationsUrl: roleUrl(roles.owner, name),
    adminUrl: `${postgresUrl()}/${name}`,
  };
}

/**
 * A service in-process for integration tests: a fresh database, the test broker, its own consumer
 * group reading only new events, listening on a free port, returned once /health is ready.
 */
export async function startTestApp<TConfig>(options: {
  service: string;
  database: string;
  envSchema: z.ZodType<TConfig>;
  module: (config: TConfig, logger: Logger) => DynamicModule;
  env?: Record<string, string>;
}): Promise<TestApp> {
  const database = await recreateServiceDatabase(options.service, options.database);
  const config = loadConfig(options.envSchema as unknown as z.ZodObject<z.ZodRawShape>, {
    HTTP_PORT: '1',
    DATABASE_URL: database.url,
    MIGRATIONS_DATABASE_URL: database.migrationsUrl,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    CUSTOMER_TOKEN_PUBLIC_KEYS: TestCustomerTokens.publicKeys,
    OPERATOR_API_KEY: TestApiKeys.operator,
    ADMIN_API_KEY: TestApiKeys.admin,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_CONSUMER_GROUP: `${options.service}-test-${options.database.replace(/_/g, '-')}-${Date.now()}`,
    KAFKA_CONSUMER_START: 'latest',
    CONSUMER_RETRY_BACKOFF_MS: '20',
    OUTBOX_POLL_INTERVAL_MS: '20',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  }) as TConfig;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await NestFactory.create(options.module(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  configureApp(
    app,
    logger,
    { title: `${options.service} (test)`, description: 'test' },
    httpHardeningOf(config as Partial<ServiceConfig>),
  );
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): { port: number } };
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${baseUrl}/health`)).status !== 200) {
    if (Date.now() > deadline)
      throw new Error(`the test ${options.service} did not become ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app,
    baseUrl,
    dataSource: app.get(DataSource),
    database,
    async asSuperuser(work) {
      const client = new Client({ connectionString: database.adminUrl });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    },
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = {
        authorization: testBearerOf(requestOptions),
      };
      if (requestOptions.body !== undefined) headers['content-type'] = 'application/json';
      if (requestOptions.idempotencyKey) headers['idempotency-key'] = requestOptions.idempotencyKey;
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body),
      });
      const text = await response.text();
      const json = (response.headers.get('content-type') ?? '').includes('json') && text.length > 0;
      const body: unknown = json ? JSON.parse(text) : text;
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await app.close();
    },
  };
}
