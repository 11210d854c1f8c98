import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  readonly correlationId: string;
  /** The event or request that caused the work in progress. */
  readonly causationId: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with a correlation context that logs and outgoing events pick up. */
export function runWithContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}
