import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  context,
  createContextKey,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

/**
 * OpenTelemetry tracing, in one place. Off unless TRACING_OTLP_ENDPOINT is set: then spans go
 * over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`, in batches. While it is off every helper here
 * returns at its first line (no span objects, no context switches, no headers), and the global
 * OpenTelemetry API stays on its no-op tracer.
 *
 * Span names (see README "Tracing"): `HTTP <method> <route>` (server), `send <topic>` (producer:
 * from the outbox append to the broker's acknowledgement), `process <event type>` (consumer: one
 * event applied, child of its send span), `outbox relay batch`, `consumer group transaction`,
 * `db.transaction` (every database transaction, child of the work that opened it).
 */

export const TracerName = 'credit-platform';
/** Spans waiting for export; beyond it new spans are dropped (never blocks the money path). */
export const TraceSpanQueueMax = 20_000;
/** Spans per OTLP request. */
export const TraceExportBatchMax = 1_000;
/** A batch leaves at least this often. */
export const TraceExportDelayMs = 1_000;
export const TraceExportTimeoutMs = 10_000;

/** W3C Trace Context header names. */
export const TraceHeaders = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

let provider: BasicTracerProvider | undefined;
let contextManager: AsyncLocalStorageContextManager | undefined;
const propagator = new W3CTraceContextPropagator();

export interface TracingOptions {
  /** The service name (`credit-<service>` in the resource). */
  readonly service: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318; undefined: tracing stays off. */
  readonly endpoint?: string;
  /** Tests: export here instead of over OTLP. */
  readonly exporter?: SpanExporter;
}

/** Whether spans are recorded in this process. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/**
 * Turns tracing on for this process (once: a second call is ignored) when an endpoint or exporter
 * is given. Returns whether tracing is on.
 */
export function startTracing(options: TracingOptions): boolean {
  if (provider) return true;
  if (options.endpoint === undefined && options.exporter === undefined) return false;
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      url: new URL('v1/traces', options.endpoint?.replace(/\/*$/, '/')).toString(),
      timeoutMillis: TraceExportTimeoutMs,
    });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `credit-${options.service}` }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxQueueSize: TraceSpanQueueMax,
        maxExportBatchSize: TraceExportBatchMax,
        scheduledDelayMillis: TraceExportDelayMs,
        exportTimeoutMillis: TraceExportTimeoutMs,
      }),
    ],
  });
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return true;
}

/** Exports what is pending and turns tracing off (service shutdown, end of a test). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  if (!stopping) return;
  provider = undefined;
  await stopping.forceFlush();
  await stopping.shutdown();
  contextManager?.disable();
  contextManager = undefined;
  trace.disable();
  context.disable();
}

/** Exports the spans ended so far (tests, the bench). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

const tracer = () => trace.getTracer(TracerName);

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent; default: the active span. */
  readonly parent?: Context;
  readonly links?: Link[];
  /** Start earlier than now (epoch ms), e.g. at the outbox append a send span covers. */
  readonly startTimeMs?: number;
}

/**
 * Runs `work` inside a new span, active while it runs (so spans and outbox appends inside it are
 * its children); an exception is recorded and rethrown. Tracing off: just `work()`.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!provider) return work(undefined);
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
      ...(options.startTimeMs !== undefined ? { startTime: options.startTimeMs } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A span the caller ends (an HTTP request ends when its response is sent). Undefined when off. */
export function startSpan(name: string, options: SpanOptions): Span | undefined {
  if (!provider) return undefined;
  return tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
      ...(options.startTimeMs !== undefined ? { startTime: options.startTimeMs } : {}),
    },
    options.parent ?? context.active(),
  );
}

/** Runs `work` with `span` active (a no-op wrapper when span is undefined). */
export function withActiveSpan<T>(span: Span | undefined, work: () => T): T {
  if (!span) return work();
  return context.with(trace.setSpan(context.active(), span), work);
}

export function failSpan(span: Span | undefined, error: unknown): void {
  if (!span) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * The active span's context as W3C headers (`traceparent`, and `tracestate` when set), to store
 * beside an event or send with a request; undefined when tracing is off or no span is active.
 */
export function currentTraceHeaders(): Record<string, string> | undefined {
  if (!provider) return undefined;
  const active = context.active();
  if (!trace.getSpanContext(active)) return undefined;
  return traceHeadersOf(active);
}

/** The W3C headers naming `span` as the parent (a record sent under a producer span). */
export function traceHeadersOfSpan(span: Span): Record<string, string> | undefined {
  return traceHeadersOf(trace.setSpan(ROOT_CONTEXT, span));
}

/** The W3C headers of a context (tracing on or off). */
export function traceHeadersOf(of: Context): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(of, carrier, {
    set: (target: Record<string, string>, key: string, value: string) => {
      target[key] = value;
    },
  });
  return carrier[TraceHeaders.traceparent] ? carrier : undefined;
}

const recordGetter: TextMapGetter<Readonly<Record<string, string | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The remote span context carried by W3C headers (ROOT_CONTEXT when there is none). */
export function contextFromHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Context {
  if (!headers?.[TraceHeaders.traceparent]) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, recordGetter);
}

/** A link to the span context carried by W3C headers, if any. */
export function linkFromHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Link | undefined {
  const spanContext = trace.getSpanContext(contextFromHeaders(headers));
  return spanContext ? { context: spanContext } : undefined;
}

/** Set in the context of work whose own span stands for its transaction (no `db.transaction`). */
const OwnTransactionSpan = createContextKey('credit.ownTransactionSpan');

/**
 * Runs a transaction-wrapping `work` in a span of its own that stands for the transaction (the
 * relay's batch, a consumer's group transaction). `keep` decides from the result whether the span
 * is exported: a relay poll that found nothing leaves no span. Errors are always kept.
 */
export async function inTransactionSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span | undefined) => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const span = startSpan(name, options);
  if (!span) return work(undefined);
  let result: T;
  try {
    const active = trace.setSpan(context.active(), span).setValue(OwnTransactionSpan, true);
    result = await context.with(active, () => work(span));
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  // A span never ended is never exported.
  if (keep(result)) span.end();
  return result;
}

/** Per query runner: the spans of its open transaction and savepoints, innermost last. */
const TransactionSpans = 'tracing.transactionSpans';

function transactionSpans(queryRunner: { data: unknown }): (Span | null)[] {
  const data = queryRunner.data as Record<string, unknown>;
  return (data[TransactionSpans] ??= []) as (Span | null)[];
}

/**
 * A TypeORM subscriber that gives each transaction (and savepoint) opened inside traced work a
 * `db.transaction` span, child of that work: HTTP write paths, consumed events, whatever runs in
 * a span. Untraced work (a worker's idle poll) gets none. Registered by initializeDatabase only
 * while tracing is on.
 */
export function transactionTracing(database: string): EntitySubscriberInterface {
  const end = (event: TransactionCommitEvent, outcome: 'commit' | 'rollback') => {
    const span = transactionSpans(event.queryRunner).pop();
    if (!span) return;
    span.setAttribute('db.transaction.outcome', outcome);
    if (outcome === 'rollback') span.setStatus({ code: SpanStatusCode.ERROR, message: 'rollback' });
    span.end();
  };
  return {
    beforeTransactionStart(event) {
      const spans = transactionSpans(event.queryRunner);
      const active = context.active();
      const traced =
        trace.getSpan(active) !== undefined && active.getValue(OwnTransactionSpan) !== true;
      spans.push(
        (traced &&
          startSpan(spans.length === 0 ? 'db.transaction' : 'db.savepoint', {
            kind: SpanKind.CLIENT,
            attributes: { 'db.system.name': 'postgresql', 'db.namespace': database },
          })) ||
          null,
      );
    },
    afterTransactionCommit: (event) => end(event, 'commit'),
    afterTransactionRollback: (event) => end(event, 'rollback'),
  };
}

export { SpanKind };
export type { Link, Span };
