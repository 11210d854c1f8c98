import path from 'node:path';
import { z } from 'zod';
import { RoleRank } from '../auth';
import { IdempotencyKeyHeader, idempotencyKeySchema } from '../http-input';
import { type AnyRoute, type ErrorStatus } from './route';

/** A service's HTTP API: what its OpenAPI document is generated from. */
export interface ServiceApi {
  readonly service: string;
  readonly title: string;
  readonly description: string;
  /** The port the service listens on by default (the document's server). */
  readonly port: number;
  /** Every tag its routes use, with its description. */
  readonly tags: Readonly<Record<string, string>>;
  readonly routes: readonly AnyRoute[];
}

/** One field's problems in a 400 VALIDATION.FAILED. */
export const fieldProblemSchema = z.object({
  field: z.string().meta({ description: 'the field path, such as lines.0.amount' }),
  problems: z.array(z.string()),
});

/** The body of every error answer: `{ error: { code, message, ... } }`. */
export const errorBodySchema = z
  .object({
    code: z.string().meta({ description: 'stable, such as LEDGER.INSUFFICIENT_FUNDS' }),
    message: z.string(),
    field: z.string().optional().meta({ description: 'the field at fault (the first one)' }),
    fields: z
      .array(fieldProblemSchema)
      .optional()
      .meta({ description: 'VALIDATION.FAILED: every bad field' }),
  })
  .catchall(z.unknown())
  .meta({ description: 'An error: its code, a message and details such as the field' });

export const PlatformSecurityScheme = 'bearer';

const errorStatusText: Record<ErrorStatus | 401 | 403 | 413 | 415 | 429, string> = {
  400: 'The request is invalid; nothing changed',
  401: 'The API key is missing or unknown',
  403: 'Not allowed: the credential lacks the role the operation needs, or a customer acts for another customer',
  413: 'The body is larger than the limit (HTTP_BODY_LIMIT_BYTES); nothing changed',
  415: 'The body is not JSON in UTF-8; nothing changed',
  429: 'Too many failed authentications from this address: retry after Retry-After seconds',
  404: 'Not found',
  409: 'Conflicts with the current state or an earlier request with the same key',
  422: 'Refused by a business rule; nothing changed',
  503: 'Busy or not ready: retry later',
};

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema: what is sent or what is answered. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return json;
}

function errorCodes(route: AnyRoute): [number, string[]][] {
  const codes = new Map<number, string[]>();
  const add = (status: number, list: readonly string[]) =>
    codes.set(status, [...(codes.get(status) ?? []), ...list]);
  // Every route refuses hostile input (NUL, lone surrogates, prototype keys), read or not.
  add(400, ['VALIDATION.FAILED']);
  if (route.body) add(400, ['HTTP.INVALID_JSON', 'HTTP.JSON_TOO_DEEP']);
  if (route.role !== 'public')
    add(401, ['AUTH.MISSING_KEY', 'AUTH.INVALID_KEY', 'AUTH.TOKEN_EXPIRED', 'AUTH.TOKEN_INVALID']);
  if (route.role !== 'public' && RoleRank[route.role] > RoleRank.customer)
    add(403, ['AUTH.FORBIDDEN']);
  if (route.body) {
    add(413, ['HTTP.PAYLOAD_TOO_LARGE']);
    add(415, ['HTTP.UNSUPPORTED_MEDIA_TYPE']);
  }
  if (route.role !== 'public') add(429, ['AUTH.RATE_LIMITED']);
  for (const [status, list] of Object.entries(route.errors ?? {})) add(Number(status), list);
  return [...codes].sort(([a], [b]) => a - b);
}

function errorResponse(status: number, codes: string[]) {
  return {
    description: `${errorStatusText[status as ErrorStatus]}: ${codes.join(', ')}`,
    ...(status === 429
      ? {
          headers: {
            'Retry-After': {
              description: 'seconds until this address may try again',
              schema: { type: 'integer', minimum: 1 },
            },
          },
        }
      : {}),
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              allOf: [
                { $ref: '#/components/schemas/Error' },
                { type: 'object', properties: { code: { type: 'string', enum: codes } } },
              ],
            },
          },
        },
      },
    },
  };
}

function parametersOf(route: AnyRoute) {
  const parameters: Record<string, unknown>[] = [];
  const add = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (!schema) return;
    const json = jsonSchemaOf(schema, 'input') as {
      properties?: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...propertySchema } = property;
      parameters.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: propertySchema,
      });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  if (route.idempotencyKey) {
    parameters.push({
      name: IdempotencyKeyHeader,
      in: 'header',
      required: route.idempotencyKey === 'required',
      description:
        'Chosen by the caller, unique per operation: the same key with the same content answers the first outcome again; with other content 409.',
      schema: jsonSchemaOf(idempotencyKeySchema, 'input'),
    });
  }
  return parameters;
}

function operationOf(route: AnyRoute) {
  const successes = Object.entries(route.responses).map(([status, response]): [string, object] => {
    const content: Record<string, unknown> = {};
    if (response.body)
      content['application/json'] = { schema: jsonSchemaOf(response.body, 'output') };
    for (const type of response.content ?? []) content[type] = { schema: { type: 'string' } };
    const headers: [string, object][] = Object.entries(response.headers ?? {}).map(
      ([name, description]) => [name, { description, schema: { type: 'string' } }],
    );
    return [
      status,
      {
        description: response.description,
        ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
        ...(Object.keys(content).length > 0 ? { content } : {}),
      },
    ];
  });
  const errors = errorCodes(route).map(([status, codes]): [string, object] => [
    String(status),
    errorResponse(status, codes),
  ]);
  const roleNote =
    route.role === 'public' ? 'No API key needed.' : `Needs the ${route.role} role or higher.`;
  const parameters = parametersOf(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description ? `${route.description}\n\n${roleNote}` : roleNote,
    tags: [...route.tags],
    ...(route.role === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            // A body whose fields are all optional may be left out.
            required: !route.body.safeParse({}).success,
            content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries([...successes, ...errors]),
  };
}

/** The OpenAPI 3.1 document of a service, generated from its route definitions. */
export function openApiDocument(api: ServiceApi): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of api.routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: api.title,
      description: api.description,
      version: '1',
      contact: { name: 'Credit platform team', email: 'credit-platform@example.com' },
      license: { name: 'Proprietary', url: 'https://example.com/credit-platform/license' },
    },
    servers: [
      { url: `http://127.0.0.1:${api.port}`, description: 'local development (npm start)' },
    ],
    security: [{ [PlatformSecurityScheme]: [] }],
    tags: Object.entries(api.tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, description]) => ({ name, description })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        [PlatformSecurityScheme]: {
          type: 'http',
          scheme: 'bearer',
          description:
            "Authorization: Bearer <credential>. Operators and admins present an API key; its role decides what they may do (an admin may do what an operator may, an operator what a customer may). Customers present a customer token: an Ed25519-signed JWT (alg EdDSA, a kid the service lists in CUSTOMER_TOKEN_PUBLIC_KEYS, aud credit-platform, sub the customer id, iat and exp); a customer sees and acts only on their own applications, lines and loans, and another customer's answers 404 as a missing one. 401 AUTH.TOKEN_EXPIRED: the token expired; AUTH.TOKEN_INVALID: it is not valid.",
        },
      },
      schemas: { Error: jsonSchemaOf(errorBodySchema, 'output') },
    },
  };
}

/** Where a service's generated document is kept in the repository. */
export const openApiFile = (service: string) =>
  path.resolve(__dirname, '../../../..', 'docs', 'openapi', `${service}.json`);

/** The document as written to its file. */
export function renderOpenApi(api: ServiceApi): string {
  return `${JSON.stringify(openApiDocument(api), null, 2)}\n`;
}
