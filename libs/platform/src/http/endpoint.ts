import {
  type CallHandler,
  type ExecutionContext,
  HttpCode,
  Injectable,
  type NestInterceptor,
  RequestMethod,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
  RequestMapping,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import { type AuthenticatedRequest, Public, RequireRole, actorOf } from '../auth';
import { hostileInputProblems, parseRouteInput, parseWith } from '../http-input';
import { mergeFieldProblems, validationFailed } from '../errors';
import { type AnyRoute, type ResponseStatus, defaultStatus } from './route';

const ROUTE_METADATA = 'credit:route';

/** `/v1/accounts/{id}` → `v1/accounts/:id` */
const nestPath = (path: string) => path.replace(/^\//, '').replace(/\{(\w+)\}/g, ':$1');

/**
 * Binds a handler to its route definition: method and path, the role it needs, the status it
 * answers by default. Its input is read with `@Input()`.
 */
export function Endpoint(route: AnyRoute): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: nestPath(route.path), method: RequestMethod[route.method] }),
    route.role === 'public' ? Public() : RequireRole(route.role),
    HttpCode(defaultStatus(route)),
    SetMetadata(ROUTE_METADATA, route),
  );
}

function routeOf(context: ExecutionContext): AnyRoute | undefined {
  return Reflect.getMetadata(ROUTE_METADATA, context.getHandler()) as AnyRoute | undefined;
}

/**
 * The validated input of the handler's route (`RouteInput<typeof route>`): path parameters, query,
 * body and idempotency key; a 400 VALIDATION.FAILED naming every bad field otherwise.
 */
export const Input = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const route = routeOf(context);
  if (!route) throw new Error('@Input() needs the handler to be an @Endpoint(route)');
  const request = context.switchToHttp().getRequest<Request>();
  return parseRouteInput(route, {
    params: request.params,
    query: request.query,
    body: request.body as unknown,
    header: (name) => request.header(name),
  });
});

/**
 * The handler parameter naming who calls, as the audit trail records a write:
 * `actorOf(request.principal)` (`operator:alice:cred_…`).
 */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  actorOf(context.switchToHttp().getRequest<AuthenticatedRequest>().principal),
);

/**
 * Refuses, before any handler runs (whether it reads `@Input()` or not), path parameters, query
 * and body carrying what no route accepts: NUL, lone surrogates, prototype keys (400 naming the
 * fields). Installed by `configureApp` for every controller.
 */
@Injectable()
export class HostileInputInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const problems = [
        ...hostileInputProblems(request.params, 'params'),
        ...hostileInputProblems(request.query, 'query'),
        ...hostileInputProblems(request.body, 'body'),
      ];
      if (problems.length > 0) throw validationFailed(mergeFieldProblems(problems));
    }
    return next.handle();
  }
}

/**
 * Checks every JSON answer against the route's response schema and answers 500 naming the
 * difference when it does not match: in-process tests then fail when a document drifts from the
 * code. Installed by `configureApp` under test only (it costs a parse per answer).
 */
@Injectable()
export class ResponseContractInterceptor implements NestInterceptor {
  constructor(private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = routeOf(context);
    if (route) {
      const response = context.switchToHttp().getResponse<Response>();
      const json = response.json.bind(response);
      response.json = (body: unknown) => {
        const mismatch = this.mismatch(route, response.statusCode, body);
        if (!mismatch) return json(body);
        response.status(500);
        return json(mismatch);
      };
    }
    return next.handle();
  }

  private mismatch(route: AnyRoute, status: number, body: unknown): object | undefined {
    const schema = route.responses[status as ResponseStatus]?.body;
    if (!schema) return undefined;
    const parsed = parseWith(schema, JSON.parse(JSON.stringify(body)) as unknown, 'response');
    if (parsed.ok) return undefined;
    const message = `the ${status} answer of ${route.operationId} does not match its schema: ${parsed.problems
      .map((p) => `${p.field} ${p.problems.join(', ')}`)
      .join('; ')}`;
    this.logger.error({ problems: parsed.problems }, message);
    return { error: { code: 'INTERNAL.RESPONSE_CONTRACT', message } };
  }
}
