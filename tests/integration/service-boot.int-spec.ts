import net from 'node:net';
import { Client } from 'pg';
import { freePort, waitUntil } from '@credit/testing';
import { apiKeys, customerTokenPublicKeys, serviceList, spawnService } from '../support/services';

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

function baseEnv(port: number, database: string): Record<string, string> {
  return {
    HTTP_PORT: String(port),
    DATABASE_URL: `${postgresUrl}/${database}`,
    KAFKA_BROKERS: brokers,
    CUSTOMER_TOKEN_PUBLIC_KEYS: customerTokenPublicKeys,
    OPERATOR_API_KEY: apiKeys.operator,
    ADMIN_API_KEY: apiKeys.admin,
    KAFKA_CONNECT_BACKOFF_INITIAL_MS: '200',
    KAFKA_CONNECT_BACKOFF_MAX_MS: '1000',
    LOG_LEVEL: 'info',
  };
}

async function recreateDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: `${postgresUrl}/postgres` });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

async function healthOf(port: number): Promise<{
  status: number;
  body: { checks?: Record<string, { up: boolean; detail?: string }> };
}> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return {
      status: response.status,
      body: (await response.json()) as { checks?: Record<string, { up: boolean }> },
    };
  } catch {
    return { status: 0, body: {} };
  }
}

describe('service boot', () => {
  it.each(serviceList)('%s exits non-zero naming a missing required variable', async (service) => {
    const env = baseEnv(1, 'unused');
    delete (env as Partial<typeof env>).DATABASE_URL;
    const run = spawnService(service, { ...env, HTTP_PORT: 'not-a-port' });
    const exit = await run.exited;
    expect(exit.code).toBe(78);
    expect(run.output()).toContain('DATABASE_URL: is required');
    expect(run.output()).toContain('HTTP_PORT: must be a port number');
  });

  it('rejects API keys that are shared between roles', async () => {
    const run = spawnService('ledger', {
      ...baseEnv(1, 'unused'),
      OPERATOR_API_KEY: apiKeys.admin,
    });
    const exit = await run.exited;
    expect(exit.code).not.toBe(0);
    expect(run.output()).toContain('OPERATOR_API_KEY and ADMIN_API_KEY must differ');
  });

  it('exits naming a malformed customer token public key, never the key', async () => {
    const notAKey = 'c2VjcmV0LW5vdC1hLWtleS0wMTIzNDU2Nzg5';
    const run = spawnService('application', {
      ...baseEnv(1, 'unused'),
      CUSTOMER_TOKEN_PUBLIC_KEYS: `${customerTokenPublicKeys},k2:${notAKey}`,
    });
    const exit = await run.exited;
    expect(exit.code).toBe(78);
    expect(run.output()).toContain(
      'CUSTOMER_TOKEN_PUBLIC_KEYS: entry 2 (kid k2): not a base64 SPKI DER public key',
    );
    expect(run.output()).not.toContain(notAKey);
  });

  it('keeps retrying while Kafka is unreachable, says not ready, then becomes ready when Kafka appears', async () => {
    await recreateDatabase('credit_test_boot');
    const [host, realPort] = brokers.split(',')[0]!.split(':') as [string, string];
    const proxyPort = await freePort();
    const httpPort = await freePort();
    const run = spawnService('ledger', {
      ...baseEnv(httpPort, 'credit_test_boot'),
      KAFKA_BROKERS: `127.0.0.1:${proxyPort}`,
    });
    let proxy: net.Server | undefined;
    try {
      await waitUntil('a second connection attempt', async () =>
        Promise.resolve(/attempt 2\)/.test(run.output())),
      );
      const notReady = await healthOf(httpPort);
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks?.database?.up).toBe(true);
      expect(notReady.body.checks?.kafka?.up).toBe(false);
      expect(notReady.body.checks?.kafka?.detail).toMatch(/Kafka unreachable/);
      // The first wait is KAFKA_CONNECT_BACKOFF_INITIAL_MS (200), jittered down by up to a fifth.
      const firstRetry =
        /Kafka not reachable at 127\.0\.0\.1:\d+ \(attempt 1\): .*retrying in (\d+) ms/.exec(
          run.output(),
        );
      expect(firstRetry).not.toBeNull();
      const waitMs = Number(firstRetry?.[1]);
      expect(waitMs).toBeGreaterThanOrEqual(160);
      expect(waitMs).toBeLessThanOrEqual(200);

      // Kafka "comes up" at the configured address: a TCP forwarder to the real broker.
      proxy = net.createServer((socket) => {
        const upstream = net.connect(Number(realPort), host);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => proxy!.listen(proxyPort, '127.0.0.1', resolve));
      await waitUntil(
        'ready after Kafka appeared',
        async () => (await healthOf(httpPort)).status === 200,
        60_000,
      );
      await waitUntil('the connected log line', () =>
        Promise.resolve(run.output().includes('connected to Kafka')),
      );
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    }
  });
});
