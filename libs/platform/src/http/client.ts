import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { IdempotencyKeyHeader } from '../http-input';
import type { AnyRoute, ResponseStatus, RouteRequest, RouteResponse } from './route';

/**
 * A typed client built from the same route definitions as the services: what it sends and what
 * it answers are the routes' zod types, and every answer is parsed with its response schema, so a
 * client cannot drift from the server unnoticed.
 */

/** What a call sends: the route's path parameters, query and body, and its idempotency key. */
export type CallRequest<T extends AnyRoute> = {
  [
    K in keyof RouteRequest<T> as RouteRequest<T>[K] extends undefined ? never : K
  ]: RouteRequest<T>[K];
} & {
  /** Required routes get a fresh key when none is given (no replay of an earlier call then). */
  idempotencyKey?: string;
};

export interface CallAnswer<T extends AnyRoute> {
  readonly status: number;
  readonly body: RouteResponse<T>;
  readonly headers: Headers;
}

/** An answer the route does not declare as a success: the platform's error, or an unknown one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  /** The API key sent as `Authorization: Bearer <key>`; none for public routes. */
  readonly apiKey?: string;
  /** How long a call may take, its answer read; Infinity for none (a streamed export). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

type Scalars = Record<string, string | number | boolean | null | undefined>;

function pathOf(route: AnyRoute, params: Scalars | undefined): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined)
      throw new Error(`${route.operationId} needs the path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

function queryOf(query: Scalars | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The answer's JSON, or its text when it is not JSON (an export, a proxy's page). */
function jsonOf(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error for an answer the route does not declare as a success. */
function refusal(route: AnyRoute, status: number, text: string): ApiError {
  const json = jsonOf(text);
  const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new ApiError(
    status,
    error?.code ?? `HTTP.${status}`,
    `${route.operationId} answered ${status}: ${error?.message ?? text.slice(0, 500)}`,
    json,
  );
}

export function client(baseUrl: string, options: ClientOptions = {}) {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function request<T extends AnyRoute>(route: T, call: CallRequest<T>): Promise<Response> {
    const { params, query, body } = call as { params?: Scalars; query?: Scalars; body?: unknown };
    const url = `${baseUrl}${pathOf(route, params)}${queryOf(query)}`;
    const headers: Record<string, string> = {};
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const key =
      call.idempotencyKey ??
      (route.idempotencyKey === 'required' ? `client-${randomUUID()}` : undefined);
    if (key) headers[IdempotencyKeyHeader] = key;
    return send(url, {
      method: route.method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: Number.isFinite(timeoutMs) ? AbortSignal.timeout(timeoutMs) : undefined,
    });
  }

  return {
    async call<T extends AnyRoute>(route: T, call: CallRequest<T>): Promise<CallAnswer<T>> {
      const response = await request(route, call);
      const text = await response.text();
      const declared = route.responses[response.status as ResponseStatus];
      if (!declared) throw refusal(route, response.status, text);
      const json = jsonOf(text);
      const schema: z.ZodType | undefined = declared.body;
      return {
        status: response.status,
        body: (schema ? schema.parse(json) : json) as RouteResponse<T>,
        headers: response.headers,
      };
    },

    /**
     * For a success in another media type than JSON (a streamed export): the response with its
     * body unread, once its status is one the route declares; otherwise the ApiError `call` throws.
     */
    async stream<T extends AnyRoute>(route: T, call: CallRequest<T>): Promise<Response> {
      const response = await request(route, call);
      if (route.responses[response.status as ResponseStatus]) return response;
      throw refusal(route, response.status, await response.text());
    },
  };
}
