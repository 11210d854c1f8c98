import { z } from 'zod';
import type { Role } from '../auth';

/**
 * One HTTP operation, described once: the controller validates its input with it (`@Endpoint`,
 * `@Input`) and the OpenAPI document is generated from it. Framework-free: zod and plain data.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Statuses an operation answers on success, and the error statuses the platform maps codes to. */
export type SuccessStatus = 200 | 201 | 202 | 204;
export type ErrorStatus = 400 | 403 | 404 | 409 | 422 | 503;
/** Answers with a body of their own (not the error shape): successes, and a health check's 503. */
export type ResponseStatus = SuccessStatus | 503;

export interface SuccessResponse {
  readonly description: string;
  /** The JSON body; absent for a body in another media type (`content`) or none. */
  readonly body?: z.ZodType;
  /** Non-JSON media types (e.g. text/csv), described as strings. */
  readonly content?: readonly string[];
  /** Response headers the client can rely on, with their meaning. */
  readonly headers?: Readonly<Record<string, string>>;
}

type AnyObject = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface RouteDefinition<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends Partial<Record<ResponseStatus, SuccessResponse>> = Partial<
    Record<ResponseStatus, SuccessResponse>
  >,
> {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** OpenAPI path template: `/v1/accounts/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** The least role the operation needs; `public` needs no key. */
  readonly role: Role | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /**
   * For a body that is one of several shapes told apart by which keys it has: the branch of
   * `body` to parse it with, so the problems named are those of the shape the caller meant.
   */
  readonly bodyOf?: (raw: unknown) => z.ZodType;
  /** The `Idempotency-Key` header: required, optional (the handler decides) or not read. */
  readonly idempotencyKey?: 'required' | 'optional';
  /** Success answers by status; the lowest is the status of a handler that just returns. */
  readonly responses: R;
  /** Error codes the operation answers besides validation and authentication, by status. */
  readonly errors?: Partial<Record<ErrorStatus, readonly string[]>>;
}

export type AnyRoute = RouteDefinition;

/** Identity with inference: keeps the schemas' types for the handler's input and the client. */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const R extends Partial<Record<ResponseStatus, SuccessResponse>> = Partial<
    Record<ResponseStatus, SuccessResponse>
  >,
  const K extends 'required' | 'optional' | undefined = undefined,
>(
  route: RouteDefinition<P, Q, B, R> & { readonly idempotencyKey?: K },
): RouteDefinition<P, Q, B, R> & { readonly idempotencyKey: K } {
  return route as RouteDefinition<P, Q, B, R> & { readonly idempotencyKey: K };
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type Sent<S> = S extends z.ZodType ? z.input<S> : undefined;
/* eslint-disable @typescript-eslint/no-explicit-any -- positions of the other type parameters */
type ParamsOf<T> = T extends RouteDefinition<infer P, any, any, any> ? P : never;
type QueryOf<T> = T extends RouteDefinition<any, infer Q, any, any> ? Q : never;
type BodyOf<T> = T extends RouteDefinition<any, any, infer B, any> ? B : never;
type ResponsesOf<T> = T extends RouteDefinition<any, any, any, infer R> ? R : never;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What a handler receives once the input is valid. */
export interface RouteInput<T extends AnyRoute> {
  params: Parsed<ParamsOf<T>>;
  query: Parsed<QueryOf<T>>;
  body: Parsed<BodyOf<T>>;
  /** The `Idempotency-Key` header when the route reads it (validated; undefined when optional and absent). */
  idempotencyKey: T['idempotencyKey'] extends 'required' ? string : string | undefined;
}

/** What a client sends: the schemas' input types. */
export interface RouteRequest<T extends AnyRoute> {
  params: Sent<ParamsOf<T>>;
  query: Sent<QueryOf<T>>;
  body: Sent<BodyOf<T>>;
}

/** The JSON body of a success answer, from the response schemas. */
export type RouteResponse<T extends AnyRoute> = {
  [S in keyof ResponsesOf<T>]: ResponsesOf<T>[S] extends { body: z.ZodType }
    ? z.output<ResponsesOf<T>[S]['body']>
    : unknown;
}[keyof ResponsesOf<T>];

/** The lowest success status: what a handler that returns a value answers. */
export function defaultStatus(route: AnyRoute): SuccessStatus {
  const statuses = Object.keys(route.responses)
    .map(Number)
    .filter((status) => status < 300) as SuccessStatus[];
  return statuses.length === 0 ? 200 : (Math.min(...statuses) as SuccessStatus);
}

/** Whether the route reads any input (then it can answer 400 VALIDATION.FAILED). */
export function hasInput(route: AnyRoute): boolean {
  return Boolean(route.params ?? route.query ?? route.body ?? route.idempotencyKey);
}

/** The header an idempotent operation answers with. */
export const ReplayedHeader = {
  'Idempotent-Replayed': 'true when the answer repeats the outcome of an earlier request',
} as const;

/**
 * The answers of an operation that creates something once per idempotency key: `created` (201)
 * the first time, 200 with the same body when the key comes again with the same content.
 */
export function replayable<S extends z.ZodType>(body: S, created: string) {
  return {
    200: {
      description: 'replayed: the outcome of the first request with this key',
      body,
      headers: ReplayedHeader,
    },
    201: { description: created, body, headers: ReplayedHeader },
  } as const;
}
