import { type Server, createServer } from 'node:http';

/**
 * A minimal OTLP/HTTP trace receiver (JSON encoding, `POST /v1/traces`), for the integration
 * tests and the bench: it decodes each export request into flat spans and hands them on. Not a
 * collector: no protobuf, no retries, nothing kept beyond what `onSpans` keeps.
 */

/** Largest export request accepted (the exporters send at most TraceExportBatchMax spans). */
export const OtlpRequestBytesMax = 64 * 1024 * 1024;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  /** The resource's service.name. */
  readonly service: string;
  /** Epoch milliseconds (fractional). */
  readonly startMs: number;
  readonly endMs: number;
  /** String, number and boolean attributes. */
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Error status (code 2). */
  readonly error: boolean;
  readonly links: readonly { traceId: string; spanId: string }[];
}

export const OtlpSpanKind = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  links?: { traceId: string; spanId: string }[];
}
interface OtlpExportRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function valueOf(value: OtlpValue | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const decoded = valueOf(value);
    if (decoded !== undefined) attributes[key] = decoded;
  }
  return attributes;
}

/** Nanoseconds since the epoch (a decimal string in OTLP/JSON) as fractional milliseconds. */
const nanosToMs = (nanos: string | number) => Number(BigInt(nanos) / 1000n) / 1000;

/** Flattens one OTLP/JSON export request. */
export function decodeOtlpTraces(body: string): ReceivedSpan[] {
  const request = JSON.parse(body) as OtlpExportRequest;
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind ?? OtlpSpanKind.internal,
          service,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          error: span.status?.code === 2,
          links: (span.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
        });
      }
    }
  }
  return spans;
}

export interface OtlpReceiver {
  /** Base URL to give as TRACING_OTLP_ENDPOINT. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free port) and calls `onSpans` for each export request. */
export async function startOtlpReceiver(
  port: number,
  onSpans: (spans: ReceivedSpan[]) => void,
): Promise<OtlpReceiver> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= OtlpRequestBytesMax) chunks.push(chunk);
    });
    request.on('end', () => {
      if (bytes > OtlpRequestBytesMax) {
        response.writeHead(413).end();
        return;
      }
      try {
        onSpans(decodeOtlpTraces(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: (error as Error).message }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
