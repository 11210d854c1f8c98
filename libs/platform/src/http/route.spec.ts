import { z } from 'zod';
import { DomainError } from '../errors';
import { parseRouteInput } from '../http-input';
import { client } from './client';
import { openApiDocument } from './openapi';
import { defineRoute, replayable } from './route';

const route = defineRoute({
  operationId: 'postThing',
  method: 'POST',
  path: '/v1/things/{id}',
  summary: 'Post a thing',
  tags: ['things'],
  role: 'operator',
  params: z.object({ id: z.string().regex(/^T-\d+$/, 'must be T-<digits>') }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  idempotencyKey: 'required',
  body: z.object({ amount: z.string(), note: z.string().min(1).optional() }).strict(),
  responses: replayable(z.object({ id: z.string() }), 'posted'),
  errors: { 409: ['THING.CONFLICT'] },
});

function problemsOf(request: Partial<Parameters<typeof parseRouteInput>[1]>) {
  try {
    parseRouteInput(route, {
      params: { id: 'T-1' },
      query: {},
      body: { amount: '1' },
      header: () => 'key-1',
      ...request,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.code).toBe('VALIDATION.FAILED');
    return (error.details as { fields: unknown }).fields;
  }
  return [];
}

describe('route input', () => {
  it('answers the parsed parts of a valid request', () => {
    const input = parseRouteInput(route, {
      params: { id: 'T-7' },
      query: { dryRun: 'true' },
      body: { amount: '5' },
      header: (name) => (name === 'Idempotency-Key' ? 'key-7' : undefined),
    });
    expect(input).toEqual({
      params: { id: 'T-7' },
      query: { dryRun: 'true' },
      body: { amount: '5' },
      idempotencyKey: 'key-7',
    });
  });

  it('names every bad part in one answer: header, path, query and body fields', () => {
    expect(
      problemsOf({
        params: { id: 'X' },
        query: { dryRun: 'maybe' },
        body: { amount: 5, note: '', extra: true },
        header: () => undefined,
      }),
    ).toEqual([
      { field: 'Idempotency-Key', problems: ['header is required'] },
      { field: 'id', problems: ['must be T-<digits>'] },
      { field: 'dryRun', problems: ['must be one of: true, false'] },
      { field: 'amount', problems: ['must be a string'] },
      { field: 'note', problems: ['must not be empty'] },
      { field: 'extra', problems: ['is not a known field'] },
    ]);
  });

  it('refuses a body that is not an object, and a malformed key', () => {
    expect(problemsOf({ body: [1] })).toEqual([
      { field: 'body', problems: ['must be a JSON object'] },
    ]);
    expect(problemsOf({ header: () => 'has spaces' })).toEqual([
      {
        field: 'Idempotency-Key',
        problems: ['must be 1-200 characters of A-Z a-z 0-9 . _ : @ -'],
      },
    ]);
  });
});

describe('OpenAPI from routes', () => {
  const document = openApiDocument({
    service: 'things',
    title: 'Things',
    description: 'test',
    port: 3999,
    tags: { things: 'Things' },
    routes: [route],
  }) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const operation = document.paths['/v1/things/{id}']?.post ?? {};

  it('documents the parameters, the body, the answers and each error with its codes', () => {
    expect(operation.operationId).toBe('postThing');
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    ]);
    expect(operation.requestBody).toMatchObject({ required: true });
    const responses = operation.responses as Record<string, { description: string }>;
    expect(Object.keys(responses)).toEqual([
      '200',
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
    ]);
    expect(responses['413']?.description).toContain('HTTP.PAYLOAD_TOO_LARGE');
    expect(responses['429']?.description).toContain('AUTH.RATE_LIMITED');
    expect(responses['409']?.description).toContain('THING.CONFLICT');
    expect(responses['403']?.description).toContain('AUTH.FORBIDDEN');
  });
});

describe('typed client from routes', () => {
  const answer = (status: number, body: unknown) =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));

  it('sends the path, query, key and body the route describes, and parses the answer', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const api = client('http://svc', {
      apiKey: 'k',
      fetch: (url, init) => {
        sent.push({ url: url as string, init: init ?? {} });
        return answer(201, { id: 'T-1', ignored: true });
      },
    });
    const { status, body } = await api.call(route, {
      params: { id: 'T-1' },
      query: { dryRun: 'true' },
      body: { amount: '5' },
      idempotencyKey: 'key-1',
    });
    expect([status, body]).toEqual([201, { id: 'T-1' }]);
    expect(sent[0]?.url).toBe('http://svc/v1/things/T-1?dryRun=true');
    expect(sent[0]?.init.method).toBe('POST');
    expect(sent[0]?.init.headers).toEqual({
      authorization: 'Bearer k',
      'content-type': 'application/json',
      'Idempotency-Key': 'key-1',
    });
  });

  it('throws the platform error of an answer the route does not declare as a success', async () => {
    const api = client('http://svc', {
      fetch: () => answer(409, { error: { code: 'THING.CONFLICT', message: 'taken' } }),
    });
    await expect(
      api.call(route, { params: { id: 'T-1' }, query: {}, body: { amount: '5' } }),
    ).rejects.toMatchObject({ status: 409, code: 'THING.CONFLICT' });
  });
});
