import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { PinoNestLogger, configureApp, loadConfig } from '@credit/platform';
import { LedgerModule } from '../src/app.module';
import { ledgerEnvSchema } from '../src/config/env';

export const testKeys = {
  customer: 'test-customer-key-000000000001',
  operator: 'test-operator-key-000000000001',
  admin: 'test-admin-key-0000000000000001',
};

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface LedgerHarness {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly databaseUrl: string;
  /** fetch with the operator key (or another role) and JSON bodies. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; role?: keyof typeof testKeys; idempotencyKey?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function recreateDatabase(name: string): Promise<string> {
  const client = new Client({ connectionString: `${postgresUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${postgresUrl}/${name}`;
}

/** The ledger service in-process on a fresh database and the test broker, listening on a free port. */
export async function startLedger(
  database: string,
  env: Record<string, string> = {},
): Promise<LedgerHarness> {
  const databaseUrl = await recreateDatabase(database);
  const config = loadConfig(ledgerEnvSchema, {
    HTTP_PORT: '1',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    CUSTOMER_API_KEY: testKeys.customer,
    OPERATOR_API_KEY: testKeys.operator,
    ADMIN_API_KEY: testKeys.admin,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    // Each test instance consumes in its own group, only events published after it started:
    // history left on the broker by other suites must not post into this suite's books.
    KAFKA_CONSUMER_GROUP: `ledger-test-${database.replace(/_/g, '-')}-${Date.now()}`,
    KAFKA_CONSUMER_START: 'latest',
    CONSUMER_RETRY_BACKOFF_MS: '20',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const logger = pino({ level: config.LOG_LEVEL });
  const app = await NestFactory.create(LedgerModule.register(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  configureApp(app, logger, { title: 'ledger (test)', description: 'test' });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  // Ready means the database is up and the consumer group has joined.
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${baseUrl}/health`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('the test ledger did not become ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app,
    baseUrl,
    databaseUrl,
    dataSource: app.get(DataSource),
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${testKeys[options.role ?? 'operator']}`,
      };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        body: contentType.includes('json') && text ? JSON.parse(text) : text,
        headers: response.headers,
      };
    },
    async close() {
      await app.close();
    },
  };
}
