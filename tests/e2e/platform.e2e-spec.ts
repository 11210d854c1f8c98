import { ConfigResourceTypes } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DevelopmentCustomerTokenKey, mintCustomerToken } from '@credit/platform';
import { testKafka } from '@credit/testing';
import { urlOf } from '../support/platform-api';
import { apiKeys, customerOfNationalId, customerToken, serviceList } from '../support/services';

describe('platform foundation through public APIs', () => {
  it.each(serviceList)(
    '%s is ready: its database and Kafka are up, the named credentials read',
    async (service) => {
      const response = await fetch(`${urlOf(service)}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ready',
        checks: { database: { up: true }, kafka: { up: true }, credentials: { up: true } },
      });
    },
  );

  it.each(serviceList)(
    '%s publishes an OpenAPI document that declares bearer auth',
    async (service) => {
      const response = await fetch(`${urlOf(service)}/docs/openapi.json`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as {
        openapi: string;
        components: { securitySchemes: Record<string, { scheme: string }> };
        paths: Record<string, unknown>;
      };
      expect(document.openapi).toMatch(/^3\./);
      expect(document.components.securitySchemes.bearer?.scheme).toBe('bearer');
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/health', '/v1/ops/messaging']),
      );
      const html = await fetch(`${urlOf(service)}/docs`);
      expect(html.status).toBe(200);
    },
  );

  it.each(serviceList)(
    '%s exposes Prometheus metrics for HTTP, events, outbox and consumer lag',
    async (service) => {
      await fetch(`${urlOf(service)}/health`);
      const response = await fetch(`${urlOf(service)}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('http_request_duration_seconds_bucket');
      expect(text).toContain(`service="${service}"`);
      expect(text).toMatch(/^outbox_backlog\{service="[a-z]+"\} 0$/m);
      expect(text).toContain('# TYPE events_consumed_total counter');
      expect(text).toContain('# TYPE kafka_consumer_lag gauge');
    },
  );

  describe('authentication and roles', () => {
    const url = () => `${urlOf('ledger')}/v1/ops/messaging`;

    it('rejects a request without a key with 401 and a coded error', async () => {
      const response = await fetch(url());
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'AUTH.MISSING_KEY', message: expect.any(String) },
      });
    });

    it('rejects an unknown key with 401', async () => {
      const response = await fetch(url(), {
        headers: { authorization: 'Bearer not-a-real-key-at-all' },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'AUTH.INVALID_KEY',
      );
    });

    const customer = customerOfNationalId('19850101-1234');

    it('rejects a customer token on an operator endpoint with 403', async () => {
      const response = await fetch(url(), {
        headers: { authorization: `Bearer ${customerToken(customer)}` },
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'AUTH.FORBIDDEN',
      );
    });

    it.each(serviceList)(
      '%s refuses an expired customer token (AUTH.TOKEN_EXPIRED) and a forged one (AUTH.TOKEN_INVALID) with 401',
      async (service) => {
        const expired = mintCustomerToken({
          ...DevelopmentCustomerTokenKey,
          customerId: customer,
          ttlSeconds: 60,
          now: new Date(Date.now() - 3_600_000),
        });
        const [header, , signature] = customerToken(customer).split('.');
        const claims = Buffer.from(
          JSON.stringify({ sub: customer, aud: 'credit-platform', iat: 1, exp: 4_102_444_800 }),
        ).toString('base64url');
        for (const [token, code] of [
          [expired, 'AUTH.TOKEN_EXPIRED'],
          [`${header}.${claims}.${signature}`, 'AUTH.TOKEN_INVALID'],
        ] as const) {
          const response = await fetch(`${urlOf(service)}/v1/ops/messaging`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect([
            response.status,
            ((await response.json()) as { error: { code: string } }).error.code,
          ]).toEqual([401, code]);
        }
      },
    );

    it('serves a customer token on a customer route: an application that is not theirs is 404', async () => {
      const response = await fetch(`${urlOf('application')}/v1/applications/${randomUUID()}`, {
        headers: { authorization: `Bearer ${customerToken(customer)}` },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'APPLICATION.NOT_FOUND',
      );
    });

    it.each([['operator'], ['admin']] as const)(
      'accepts the %s key and reports the outbox',
      async (role) => {
        const response = await fetch(url(), {
          headers: { authorization: `Bearer ${apiKeys[role]}`, 'x-correlation-id': 'e2e-corr-1' },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-correlation-id')).toBe('e2e-corr-1');
        expect(await response.json()).toEqual({
          kafka: { ready: true, detail: null },
          outbox: { pending: 0, oldestPendingAt: null, lastError: null },
        });
      },
    );
  });

  it('every domain topic and its .dlq companion exist on the broker and keep events forever', async () => {
    const admin = testKafka('e2e').admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      const domain = [
        'application.events',
        'loan.events',
        'merchant.events',
        'ledger.events',
        'repayment.changelog',
        'application.changelog',
        'payout.statements',
      ];
      // The per-event-type topics of the first design are gone: one topic per aggregate stream.
      expect(topics).not.toContain('loan.disbursed');
      expect(topics).not.toContain('repayment.allocated');
      for (const topic of domain) {
        expect(topics).toContain(topic);
        expect(topics).toContain(`${topic}.dlq`);
      }
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: domain.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['retention.ms'],
        })),
      });
      for (const resource of described.resources) {
        expect(
          resource.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue,
        ).toBe('-1');
      }
    } finally {
      await admin.disconnect();
    }
  });
});
