import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { OtlpSpanKind, type ReceivedSpan } from '@credit/platform';
import { summarize, workDir } from './support';

/**
 * "Where an origination spends its time" from the services' own spans (bench/run.sh runs them
 * with tracing on, exporting to bench/trace-receiver.ts, which writes `tmp/bench/spans.ndjson`).
 * One origination is one trace from the draw's HTTP request to the decision reaching the
 * disbursement service; the payout worker starts a second one (it picks loans up from its table,
 * not from an event), found by the loan id its `loan.disbursed` event is keyed by.
 */
export const SpansFile = path.join(workDir, 'spans.ndjson');

export interface SpanHop {
  readonly hop: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Originations whose spans gave this hop. */
  readonly count: number;
}

/** Reads the spans file as it grows and indexes what the hop table needs. */
export class SpanIndex {
  private offset = 0;
  private rest = '';
  private readonly byId = new Map<string, ReceivedSpan>();
  /** `send` spans by event type and key (the aggregate id), latest attempt last. */
  private readonly sends = new Map<string, ReceivedSpan[]>();
  /** `process` spans by their parent (the send span) id. */
  private readonly processes = new Map<string, ReceivedSpan[]>();
  spans = 0;

  constructor(private readonly file = SpansFile) {}

  /** Reads what was appended since the last call. */
  refresh(): void {
    if (!existsSync(this.file)) return;
    const size = statSync(this.file).size;
    if (size <= this.offset) return;
    const fd = openSync(this.file, 'r');
    try {
      const chunkBytes = 8 * 1024 * 1024;
      const buffer = Buffer.alloc(chunkBytes);
      while (this.offset < size) {
        const read = readSync(fd, buffer, 0, Math.min(chunkBytes, size - this.offset), this.offset);
        if (read <= 0) break;
        this.offset += read;
        const text = this.rest + buffer.toString('utf8', 0, read);
        const lines = text.split('\n');
        this.rest = lines.pop() ?? '';
        for (const line of lines) if (line.length > 0) this.add(JSON.parse(line) as ReceivedSpan);
      }
    } finally {
      closeSync(fd);
    }
  }

  private add(span: ReceivedSpan): void {
    this.spans++;
    const type = span.attributes['credit.event.type'];
    if (span.kind === OtlpSpanKind.producer && typeof type === 'string') {
      this.byId.set(span.spanId, span);
      const key = `${type}\u0000${String(span.attributes['messaging.kafka.message.key'])}`;
      const list = this.sends.get(key) ?? [];
      list.push(span);
      this.sends.set(key, list);
    } else if (span.kind === OtlpSpanKind.consumer) {
      const list = this.processes.get(span.parentSpanId) ?? [];
      list.push(span);
      this.processes.set(span.parentSpanId, list);
    } else if (span.kind === OtlpSpanKind.server) {
      this.byId.set(span.spanId, span);
    }
  }

  /** The successful send of an event (the last attempt, which ended the span without error). */
  send(type: string, key: string): ReceivedSpan | undefined {
    return this.sends
      .get(`${type}\u0000${key}`)
      ?.filter((s) => !s.error)
      .at(-1);
  }

  /** The successful processing of a sent event in one service. */
  processed(send: ReceivedSpan | undefined, service: string): ReceivedSpan | undefined {
    if (!send) return undefined;
    return this.processes
      .get(send.spanId)
      ?.filter((s) => s.service === `credit-${service}` && !s.error)
      .at(-1);
  }

  span(id: string | undefined): ReceivedSpan | undefined {
    return id ? this.byId.get(id) : undefined;
  }
}

interface Origination {
  readonly applicationId: string;
  readonly loanId: string;
  /** The draw's scheduled send time (epoch ms). */
  readonly sentAt: number;
}

/** The hop table of a step's originations: each hop's p50 / p99 over the loans that have it. */
export function spanHops(index: SpanIndex, loans: readonly Origination[]): SpanHop[] {
  const hops: [string, (loan: Origination) => number | undefined][] = [];
  const milestones = (loan: Origination) => {
    const submitted = index.send('application.submitted', loan.applicationId);
    const request = index.span(submitted?.parentSpanId);
    const scored = index.processed(submitted, 'scoring');
    const decided = index.send('application.decided', loan.applicationId);
    const created = index.processed(decided, 'disbursement');
    const disbursed = index.send('loan.disbursed', loan.loanId);
    const posted = index.processed(disbursed, 'ledger');
    return { submitted, request, scored, decided, created, disbursed, posted };
  };
  const between = (later: number | undefined, earlier: number | undefined) =>
    later === undefined || earlier === undefined ? undefined : later - earlier;
  const of = new Map(loans.map((loan) => [loan, milestones(loan)]));
  const m = (loan: Origination) => of.get(loan) ?? milestones(loan);
  hops.push(
    ['send → HTTP request in', (l) => between(m(l).request?.startMs, l.sentAt)],
    ['HTTP POST /v1/applications', (l) => between(m(l).request?.endMs, m(l).request?.startMs)],
    [
      'outbox → Kafka: application.submitted',
      (l) => between(m(l).submitted?.endMs, m(l).request?.endMs),
    ],
    ['Kafka → scored (scoring)', (l) => between(m(l).scored?.endMs, m(l).submitted?.endMs)],
    [
      'outbox → Kafka: application.decided',
      (l) => between(m(l).decided?.endMs, m(l).scored?.endMs),
    ],
    [
      'Kafka → loan created (disbursement)',
      (l) => between(m(l).created?.endMs, m(l).decided?.endMs),
    ],
    [
      'loan created → paid out (payout worker, hold in ledger)',
      (l) => between(m(l).disbursed?.startMs, m(l).created?.endMs),
    ],
    [
      'outbox → Kafka: loan.disbursed',
      (l) => between(m(l).disbursed?.endMs, m(l).disbursed?.startMs),
    ],
    ['Kafka → posted (ledger)', (l) => between(m(l).posted?.endMs, m(l).disbursed?.endMs)],
    ['end to end (send → posted)', (l) => between(m(l).posted?.endMs, l.sentAt)],
  );
  return hops.map(([hop, measure]) => {
    const samples = loans.flatMap((loan) => {
      const value = measure(loan);
      return value === undefined ? [] : [value];
    });
    const summary = summarize(samples);
    return { hop, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms, count: samples.length };
  });
}

/** Whether every loan's last span (the ledger's processing of loan.disbursed) has arrived. */
export function spansComplete(index: SpanIndex, loans: readonly Origination[]): boolean {
  return loans.every(
    (loan) =>
      index.processed(index.send('loan.disbursed', loan.loanId), 'ledger') !== undefined &&
      index.send('application.submitted', loan.applicationId) !== undefined,
  );
}
