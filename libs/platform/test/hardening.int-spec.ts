import 'reflect-metadata';
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import pino from 'pino';
import { z } from 'zod';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  AUTHENTICATORS,
  AuthFailureLimiter,
  CustomerTokenVerifier,
  Endpoint,
  Input,
  type RouteInput,
  TestApiKeys,
  TestCustomerTokens,
  businessDateSchema,
  configureApp,
  defineRoute,
  isoTimestampSchema,
  mintCustomerToken,
  parseCustomerTokenPublicKeys,
} from '../src';

// The HTTP hardening every service gets from configureApp and the platform's guard: headers,
// CORS, the body parser's limits and errors, hostile strings and keys, failed-auth rate limit.
const echo = defineRoute({
  operationId: 'echo',
  method: 'POST',
  path: '/v1/echo/{id}',
  summary: 'Echo',
  tags: ['test'],
  role: 'operator',
  params: z.object({ id: z.string().min(1) }),
  query: z.object({ on: businessDateSchema('on').optional(), q: z.string().optional() }),
  body: z
    .object({
      text: z.string().optional(),
      at: isoTimestampSchema.optional(),
      nested: z.unknown().optional(),
    })
    .strict(),
  responses: { 201: { description: 'echoed', body: z.object({ id: z.string() }) } },
});

@Controller()
class EchoController {
  @Endpoint(echo)
  echo(@Input() { params }: RouteInput<typeof echo>) {
    return { id: params.id };
  }
}

@Module({
  controllers: [EchoController],
  providers: [
    {
      provide: AUTHENTICATORS,
      useValue: [
        new ApiKeyDirectory(TestApiKeys),
        new CustomerTokenVerifier(parseCustomerTokenPublicKeys(TestCustomerTokens.publicKeys), {
          clockSkewSeconds: 60,
          maxLifetimeSeconds: 86_400,
        }),
      ],
    },
    { provide: AuthFailureLimiter, useValue: new AuthFailureLimiter(3, 6) },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
class EchoModule {}

describe('HTTP hardening', () => {
  let app: INestApplication;
  let baseUrl: string;
  const send = (
    path: string,
    body: string | undefined,
    headers: Record<string, string> = {},
    method = 'POST',
  ) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TestApiKeys.operator}`,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: Record<string, unknown> }).error;

  beforeAll(async () => {
    app = await NestFactory.create(EchoModule, { logger: false });
    configureApp(
      app,
      pino({ level: 'silent' }),
      { title: 'echo', description: 'test', routes: [echo], tags: { test: 'test' } },
      {
        bodyLimitBytes: 4_096,
        jsonDepthMax: 8,
        corsAllowedOrigins: ['https://app.example.com'],
        hstsMaxAgeSeconds: 31_536_000,
      },
    );
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer() as { address(): { port: number } }).address().port}`;
  });
  afterAll(() => app.close());

  it('answers with the security headers, on success and on errors alike', async () => {
    for (const response of [
      await send('/v1/echo/E-1', '{}'),
      await send('/v1/echo/E-1', '{', {}),
      await fetch(`${baseUrl}/docs/openapi.json`),
    ]) {
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'x-content-type-options': 'nosniff',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      });
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('opens CORS to the configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${baseUrl}/v1/echo/E-1`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('https://evil.example.com');
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe('CORS.ORIGIN_NOT_ALLOWED');
    const simple = await send('/v1/echo/E-1', '{}', { origin: 'https://evil.example.com' });
    expect(simple.status).toBe(201);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the limit with 413 in the error shape, and changes nothing', async () => {
    const response = await send('/v1/echo/E-1', JSON.stringify({ text: 'x'.repeat(10_000) }));
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: 'HTTP.PAYLOAD_TOO_LARGE', limit: 4096 });
  });

  it('refuses invalid JSON, bad UTF-8 and deep nesting with 400, another media type with 415', async () => {
    const invalid = await send('/v1/echo/E-1', '{"text": "a",}');
    expect([invalid.status, (await errorOf(invalid)).code]).toEqual([400, 'HTTP.INVALID_JSON']);
    const utf8 = await fetch(`${baseUrl}/v1/echo/E-1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TestApiKeys.operator}`,
        'content-type': 'application/json',
      },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect([utf8.status, (await errorOf(utf8)).code]).toEqual([400, 'HTTP.INVALID_JSON']);
    const deep = await send('/v1/echo/E-1', `{"nested":${'['.repeat(9)}${']'.repeat(9)}}`);
    expect([deep.status, (await errorOf(deep)).code]).toEqual([400, 'HTTP.JSON_TOO_DEEP']);
    const shallow = await send('/v1/echo/E-1', `{"nested":${'['.repeat(7)}${']'.repeat(7)}}`);
    expect(shallow.status).toBe(201);
    const text = await send('/v1/echo/E-1', 'text=1', { 'content-type': 'text/plain' });
    expect([text.status, (await errorOf(text)).code]).toEqual([415, 'HTTP.UNSUPPORTED_MEDIA_TYPE']);
    const form = await send('/v1/echo/E-1', 'text=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const latin1 = await send('/v1/echo/E-1', '{}', {
      'content-type': 'application/json; charset=iso-8859-1',
    });
    expect(latin1.status).toBe(415);
    const percent = await send('/v1/echo/%E0%A4%A', '{}');
    expect(percent.status).toBe(400);
  });

  it('refuses NUL, lone surrogates and prototype keys anywhere in the input, naming the field', async () => {
    const cases: [string, string, string][] = [
      ['/v1/echo/E%001', '{}', 'id'],
      ['/v1/echo/E-1?q=a%00b', '{}', 'q'],
      ['/v1/echo/E-1', '{"text":"a\\u0000b"}', 'text'],
      ['/v1/echo/E-1', '{"text":"a\\ud800b"}', 'text'],
      ['/v1/echo/E-1', '{"nested":{"a":["\\udc00"]}}', 'nested.a.0'],
      ['/v1/echo/E-1', '{"__proto__":{"admin":true}}', '__proto__'],
      ['/v1/echo/E-1', '{"nested":{"constructor":{"prototype":{}}}}', 'nested.constructor'],
      ['/v1/echo/E-1?__proto__=x', '{}', '__proto__'],
    ];
    for (const [path, body, field] of cases) {
      const response = await send(path, body);
      expect([path, body, response.status]).toEqual([path, body, 400]);
      const error = await errorOf(response);
      expect(error.code).toBe('VALIDATION.FAILED');
      expect(error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });

  it('bounds dates to 1970-01-01 through 2199-12-31', async () => {
    const cases: [string, string][] = [
      ['/v1/echo/E-1?on=0000-01-01', '{}'],
      ['/v1/echo/E-1?on=9999-12-31', '{}'],
      ['/v1/echo/E-1', '{"at":"1969-12-31T23:59:59Z"}'],
      ['/v1/echo/E-1', '{"at":"+275760-09-13T00:00:00Z"}'],
    ];
    for (const [path, body] of cases) {
      const response = await send(path, body);
      expect([path, body, response.status]).toEqual([path, body, 400]);
    }
    expect((await send('/v1/echo/E-1?on=2199-12-31', '{"at":"1970-01-01T00:00:00Z"}')).status).toBe(
      201,
    );
  });

  it('rate-limits failed authentication per source with 429 and Retry-After', async () => {
    const as = (credential: string) =>
      send('/v1/echo/E-1', '{}', { authorization: `Bearer ${credential}` });
    const wrong = () => as('wrong-key-000000000000');
    const expired = mintCustomerToken({
      privateKey: TestCustomerTokens.privateKey,
      kid: TestCustomerTokens.kid,
      customerId: TestCustomerTokens.anyCustomer,
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    const [header, claims] = TestCustomerTokens.for(TestCustomerTokens.anyCustomer).split('.');
    const forged = `${header}.${claims}.${'A'.repeat(86)}`;
    // A wrong key, an expired token and a forged one: each a 401 saying why, each counted.
    const refusals = [await wrong(), await as(expired), await as(forged)];
    expect(refusals.map((response) => response.status)).toEqual([401, 401, 401]);
    expect(await Promise.all(refusals.map(async (r) => (await errorOf(r)).code))).toEqual([
      'AUTH.INVALID_KEY',
      'AUTH.TOKEN_EXPIRED',
      'AUTH.TOKEN_INVALID',
    ]);
    const limited = await wrong();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorOf(limited)).toMatchObject({ code: 'AUTH.RATE_LIMITED' });
    // While limited, even the right key is refused: guessing can't go on.
    expect((await send('/v1/echo/E-1', '{}')).status).toBe(429);
    // No proxy is trusted here: a client naming another address in X-Forwarded-For is still itself.
    expect((await send('/v1/echo/E-1', '{}', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(
      429,
    );
    // Public routes stay open.
    expect((await fetch(`${baseUrl}/docs/openapi.json`)).status).toBe(200);
  });

  it('behind a trusted proxy, counts failures against the client X-Forwarded-For names', async () => {
    const proxied = await NestFactory.create(EchoModule, { logger: false });
    configureApp(
      proxied,
      pino({ level: 'silent' }),
      { title: 'echo', description: 'test', routes: [echo], tags: { test: 'test' } },
      {
        bodyLimitBytes: 4_096,
        jsonDepthMax: 8,
        corsAllowedOrigins: [],
        hstsMaxAgeSeconds: 0,
        trustedProxies: ['loopback'],
      },
    );
    await proxied.listen(0, '127.0.0.1');
    try {
      const port = (proxied.getHttpServer() as { address(): { port: number } }).address().port;
      const from = (client: string, key: string) =>
        fetch(`http://127.0.0.1:${port}/v1/echo/E-1`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'x-forwarded-for': client,
          },
          body: '{}',
        });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        statuses.push((await from('198.51.100.1', 'wrong-key-000000000000')).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy keeps its own allowance.
      expect((await from('198.51.100.2', TestApiKeys.operator)).status).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});
