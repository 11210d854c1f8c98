import type { ServiceName } from '@credit/contracts';
import {
  type AnyRoute,
  ApiError,
  type CallAnswer,
  type CallRequest,
  type ClientOptions,
  client,
} from '@credit/platform';
import type { CliContext } from './context';

/** What went wrong with a call, naming the service and its answer. */
function callFailure(service: ServiceName, url: string, error: unknown): unknown {
  if (error instanceof ApiError) {
    const message =
      (error.body as { error?: { message?: string } } | undefined)?.error?.message ??
      String(error.body).slice(0, 500);
    return new Error(`${service} answered ${error.status}: ${message}`);
  }
  if (error instanceof TypeError)
    return new Error(`${service} is not reachable at ${url}: ${error.message}`);
  return error;
}

/**
 * Calls a route of a service through the typed client (@credit/api's routes): the request is
 * the route's input type and the answer is parsed with its response schema. Errors name the service.
 */
export async function callService<T extends AnyRoute>(
  context: CliContext,
  service: ServiceName,
  route: T,
  request: CallRequest<T>,
  options: ClientOptions,
): Promise<CallAnswer<T>> {
  const base = context.serviceUrl(service);
  try {
    return await client(base, options).call(route, request);
  } catch (error) {
    throw callFailure(service, `${base}${route.path}`, error);
  }
}

/** As callService, for a streamed answer (an export): the response with its body unread. */
export async function streamService<T extends AnyRoute>(
  context: CliContext,
  service: ServiceName,
  route: T,
  request: CallRequest<T>,
  options: ClientOptions,
): Promise<Response> {
  const base = context.serviceUrl(service);
  try {
    return await client(base, options).stream(route, request);
  } catch (error) {
    throw callFailure(service, `${base}${route.path}`, error);
  }
}

/**
 * The answer of `call`, or undefined once its failure is written as `<command>: <why>` (to stdout,
 * or `write`): the command then exits 1.
 */
export async function orFailure<A>(
  command: string,
  call: Promise<A>,
  write: (line: string) => void,
): Promise<A | undefined> {
  try {
    return await call;
  } catch (error) {
    write(`${command}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
