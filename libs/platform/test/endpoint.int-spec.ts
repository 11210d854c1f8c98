import 'reflect-metadata';
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import pino from 'pino';
import { z } from 'zod';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  AUTHENTICATORS,
  CustomerTokenVerifier,
  Endpoint,
  Input,
  type RouteInput,
  TestApiKeys,
  TestCustomerTokens,
  client,
  configureApp,
  defineRoute,
  parseCustomerTokenPublicKeys,
} from '../src';

// An HTTP app with one route, in-process: what @Endpoint, @Input, the error filter and (under
// test) the response contract do for every service.
const echo = defineRoute({
  operationId: 'echo',
  method: 'POST',
  path: '/v1/echo/{id}',
  summary: 'Echo',
  tags: ['test'],
  role: 'operator',
  params: z.object({ id: z.string().regex(/^E-\d+$/, 'must be E-<digits>') }),
  idempotencyKey: 'required',
  body: z.object({ text: z.string().min(1), broken: z.boolean().optional() }).strict(),
  responses: {
    201: { description: 'echoed', body: z.object({ id: z.string(), text: z.string() }) },
  },
});

@Controller()
class EchoController {
  @Endpoint(echo)
  echo(@Input() { params, body }: RouteInput<typeof echo>) {
    // `broken` answers a body that breaks the route's own response schema.
    return body.broken ? { id: params.id, text: 42 } : { id: params.id, text: body.text };
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
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
class EchoModule {}

describe('routes in a running app', () => {
  let app: INestApplication;
  let baseUrl: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TestApiKeys.operator}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    app = await NestFactory.create(EchoModule, { logger: false });
    configureApp(app, logger, {
      title: 'echo',
      description: 'test',
      routes: [echo],
      tags: { test: 'test' },
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer() as { address(): { port: number } }).address().port}`;
  });

  afterAll(() => app.close());

  it('answers the handler with the status of the route, through the typed client', async () => {
    const api = client(baseUrl, { apiKey: TestApiKeys.operator });
    const { status, body } = await api.call(echo, {
      params: { id: 'E-1' },
      body: { text: 'hello' },
    });
    expect([status, body]).toEqual([201, { id: 'E-1', text: 'hello' }]);
  });

  it('refuses bad input with one 400 naming every field, before the handler', async () => {
    const response = await post('/v1/echo/X', { text: '', extra: 1 });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      code: 'VALIDATION.FAILED',
      field: 'Idempotency-Key',
      fields: [
        { field: 'Idempotency-Key', problems: ['header is required'] },
        { field: 'id', problems: ['must be E-<digits>'] },
        { field: 'text', problems: ['must not be empty'] },
        { field: 'extra', problems: ['is not a known field'] },
      ],
    });
  });

  it('applies the role of the route', async () => {
    const response = await post(
      '/v1/echo/E-1',
      { text: 'x' },
      {
        authorization: `Bearer ${TestCustomerTokens.for(TestCustomerTokens.anyCustomer)}`,
        'idempotency-key': 'k-1',
      },
    );
    expect(response.status).toBe(403);
  });

  it('under test, answers 500 when an answer breaks its route schema', async () => {
    const response = await post(
      '/v1/echo/E-2',
      { text: 'x', broken: true },
      {
        'idempotency-key': 'k-2',
      },
    );
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('INTERNAL.RESPONSE_CONTRACT');
    expect(error.message).toContain('text');
  });

  it('serves the OpenAPI document generated from the routes', async () => {
    const response = await fetch(`${baseUrl}/docs/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(['/v1/echo/{id}']);
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });
});
