import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type LatencySummary,
  countRows,
  envInt,
  log,
  recreateDatabase,
  repoRoot,
  round,
  sleep,
  summarize,
  withClient,
  workDir,
} from './support';
import { customerOfNationalIdIn, mintToolCustomerToken } from '@credit/platform';
import { cny, testConsent } from '@credit/testing';
import { applicant as e2eApplicant } from '../tests/support/platform-api';
import { type SpanHop, SpanIndex, spanHops, spansComplete } from './spans';

/**
 * The bench platform: the services on 3201–3206 (base ports + BENCH_PORT_OFFSET, as
 * bench/run.sh starts them), databases credit_bench_<service>.
 */
export const BenchPortOffset = envInt('BENCH_PORT_OFFSET', 200);
const basePorts = {
  application: 3001,
  scoring: 3002,
  disbursement: 3003,
  repayment: 3004,
  ledger: 3005,
};
type Service = keyof typeof basePorts;
const urlOf = (service: Service) => `http://127.0.0.1:${basePorts[service] + BenchPortOffset}`;
const databaseOf = (service: Service) => `credit_bench_${service}`;
const tokens = new Map<string, string>();
/**
 * The token of the customer a national ID is (CUSTOMER_TOKEN_SIGNING_KEY, the development key by
 * default), minted once per customer and run: the bench measures the platform, not the signing.
 */
function customerToken(nationalId: string): string {
  let token = tokens.get(nationalId);
  if (!token) {
    const customerId = customerOfNationalIdIn(process.env, nationalId);
    token = mintToolCustomerToken(process.env, customerId, 4 * 3_600);
    tokens.set(nationalId, token);
  }
  return token;
}

/** The applicant the scorecard approves, as the e2e tests send it, under the bench's own name. */
const applicant = (nationalId: string) => ({ ...e2eApplicant(nationalId), name: 'Bench Customer' });

/** The scored part alone (what POST /v1/score takes): no name, national id or phone. */
const { name: _name, nationalId: _id, phone: _phone, ...scoredApplicant } = e2eApplicant('-');

/** A POST as a customer: the applicant of an application, a bench customer for a what-if. */
async function post(
  service: Service,
  route: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const nationalId = (body as { applicant?: { nationalId?: string } }).applicant?.nationalId;
  const headers: Record<string, string> = {
    authorization: `Bearer ${customerToken(nationalId ?? 'BENCH-WHAT-IF')}`,
    'content-type': 'application/json',
  };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`${urlOf(service)}${route}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

// --- Scoring ----------------------------------------------------------------------------------

export interface ScoringResult {
  readonly concurrency: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
}

/** POST /v1/score in a closed loop at a given concurrency (keep-alive HTTP). */
export async function benchScoring(concurrency: number, seconds: number): Promise<ScoringResult> {
  const body = {
    kind: 'credit-line',
    applicant: scoredApplicant,
    creditLine: { requestedLimit: cny('20000.00') },
    draw: null,
  };
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const reply = await post('scoring', '/v1/score', body);
        if (reply.status === 200) samples.push(performance.now() - sent);
        else if (++errors > 100)
          throw new Error(`POST /v1/score: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    concurrency,
    seconds: round(elapsed),
    requestsPerSecond: Math.round(samples.length / elapsed),
    latency: summarize(samples),
    errors,
  };
}

// --- End to end -------------------------------------------------------------------------------

/** Draws per customer: the velocity rule allows five applications a day, one is the line. */
const DrawsPerCustomer = 4;
const DrawAmount = '1000.00';
/** How long after a step the bench waits for the spans of its last loans to be exported. */
const SpansArrivalTimeoutMs = 15_000;
/** A loan not posted this long after its step ended counts as dropped. */
const DrainTimeoutMs = 30_000;
/** Latency target of an origination, end to end. */
export const OriginationP99TargetMs = 250;

export interface RateStep {
  readonly offeredPerSecond: number;
  readonly seconds: number;
  readonly sent: number;
  readonly accepted: number;
  readonly posted: number;
  /** Refused at submission, declined, or not posted within the drain time. */
  readonly failedOrDropped: number;
  readonly completedPerSecond: number;
  readonly latency: LatencySummary;
  readonly meetsP99: boolean;
  /** Where the time went: each hop between the services' own timestamps, per loan. */
  readonly stages: { hop: string; p50Ms: number; p99Ms: number }[];
  /** The same from the services' spans (tracing on); empty when the bench ran without tracing. */
  readonly spanStages: SpanHop[];
}

export interface EndToEndResult {
  readonly customers: number;
  readonly lineSetupSeconds: number;
  readonly steps: RateStep[];
  readonly highestRateWithinP99: number | null;
}

interface Customer {
  readonly nationalId: string;
  readonly lineId: string;
  draws: number;
}

/** Opens one credit line per customer and waits until each is approved and known to the ledger. */
async function openLines(count: number, runId: string): Promise<Customer[]> {
  const pending = new Map<string, string>();
  const queue = Array.from(
    { length: count },
    (_, i) => `BENCH${runId}${String(i).padStart(6, '0')}`,
  );
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let nationalId = queue.pop(); nationalId; nationalId = queue.pop()) {
        const reply = await post(
          'application',
          '/v1/applications',
          {
            kind: 'credit-line',
            applicant: applicant(nationalId),
            consent: testConsent(),
            creditLine: { requestedLimit: cny('50000.00') },
          },
          `bench-line-${nationalId}`,
        );
        if (reply.status !== 201) throw new Error(`line application: ${reply.status}`);
        pending.set(String(reply.body.applicationId), nationalId);
      }
    }),
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    const lines = await withClient(databaseOf('application'), (client) =>
      client.query<{ application_id: string; id: string }>(
        `SELECT application_id, id FROM credit_lines WHERE application_id = ANY($1)`,
        [[...pending.keys()]],
      ),
    );
    const known =
      lines.rows.length === pending.size
        ? await countRows(
            databaseOf('ledger'),
            `SELECT count(*) AS n FROM accounts WHERE id = ANY($1)`,
            [lines.rows.map((row) => `assets:credit-line-drawn:${row.id}`)],
          )
        : 0;
    if (known === pending.size) {
      return lines.rows.map((row) => ({
        nationalId: pending.get(row.application_id) ?? '',
        lineId: row.id,
        draws: 0,
      }));
    }
    if (Date.now() > deadline)
      throw new Error(
        `only ${lines.rows.length}/${pending.size} lines approved, ${known} in the ledger`,
      );
    await sleep(500);
  }
}

/**
 * One open-loop step: draws are sent on a fixed schedule whatever the answers; each loan's
 * latency runs from its scheduled send time to the posting of its principal in the ledger
 * (journal_lines.posted_at, the database clock of the same machine).
 */
async function rateStep(
  rate: number,
  seconds: number,
  customers: Customer[],
  spans: SpanIndex | null,
): Promise<RateStep> {
  const total = rate * seconds;
  const sent: { at: number; loanId: string | null }[] = [];
  const inFlight: Promise<void>[] = [];
  const start = Date.now() + 100;
  let next = 0;
  const customerFor = () => {
    const customer = customers.find((c) => c.draws < DrawsPerCustomer);
    if (!customer) throw new Error('not enough credit lines for the draws of this run');
    customer.draws++;
    return customer;
  };
  while (next < total) {
    const due = start + (next * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    while (next < total && start + (next * 1000) / rate <= Date.now()) {
      const scheduled = start + (next * 1000) / rate;
      const customer = customerFor();
      const record: { at: number; loanId: string | null } = { at: scheduled, loanId: null };
      sent.push(record);
      inFlight.push(
        post(
          'application',
          '/v1/applications',
          {
            kind: 'draw',
            applicant: applicant(customer.nationalId),
            consent: testConsent(),
            draw: {
              lineId: customer.lineId,
              product: 'cash-loan',
              amount: cny(DrawAmount),
              periods: 3,
            },
          },
          `bench-draw-${randomUUID()}`,
        ).then(
          (reply) => {
            if (reply.status === 201) record.loanId = `L-${String(reply.body.applicationId)}`;
          },
          () => undefined,
        ),
      );
      next++;
    }
  }
  const sendEnded = Date.now();
  await Promise.all(inFlight);
  const accepted = sent.filter((s) => s.loanId !== null);
  const postedAt = new Map<string, number>();
  while (postedAt.size < accepted.length && Date.now() < sendEnded + DrainTimeoutMs) {
    await sleep(500);
    const rows = await withClient(databaseOf('ledger'), (client) =>
      client.query<{ account_id: string; posted_at: Date }>(
        `SELECT account_id, min(posted_at) AS posted_at FROM journal_lines
          WHERE account_id = ANY($1) AND side = 'debit' GROUP BY account_id`,
        [accepted.map((s) => `assets:loans:principal:${s.loanId}`)],
      ),
    );
    for (const row of rows.rows)
      postedAt.set(row.account_id.replace('assets:loans:principal:', ''), row.posted_at.getTime());
  }
  const latencies = accepted
    .filter((s) => s.loanId && postedAt.has(s.loanId))
    .map((s) => (postedAt.get(s.loanId ?? '') ?? 0) - s.at);
  const lastPosted = Math.max(start, ...postedAt.values());
  const latency = summarize(latencies);
  const stages = await originationStages(
    accepted.flatMap((s) => {
      const posted = s.loanId ? postedAt.get(s.loanId) : undefined;
      return s.loanId && posted !== undefined ? [{ loanId: s.loanId, sentAt: s.at, posted }] : [];
    }),
  );
  const traced = accepted.flatMap((s) =>
    s.loanId && postedAt.has(s.loanId)
      ? [{ applicationId: s.loanId.replace(/^L-/, ''), loanId: s.loanId, sentAt: s.at }]
      : [],
  );
  let spanStages: SpanHop[] = [];
  if (spans) {
    // The services export their spans every second: wait for the last loan's last span.
    const deadline = Date.now() + SpansArrivalTimeoutMs;
    for (spans.refresh(); !spansComplete(spans, traced) && Date.now() < deadline;) {
      await sleep(500);
      spans.refresh();
    }
    spanStages = spanHops(spans, traced);
  }
  return {
    offeredPerSecond: rate,
    seconds,
    sent: sent.length,
    accepted: accepted.length,
    posted: latencies.length,
    failedOrDropped: sent.length - latencies.length,
    completedPerSecond: round(latencies.length / ((lastPosted - start) / 1000), 1),
    latency,
    meetsP99: latencies.length === sent.length && latency.p99Ms <= OriginationP99TargetMs,
    stages,
    spanStages,
  };
}

/** Each loan's timestamps in the services' databases (transaction times), hop by hop. */
async function originationStages(loans: { loanId: string; sentAt: number; posted: number }[]) {
  const applicationIds = loans.map((l) => l.loanId.replace(/^L-/, ''));
  const times = async (service: Service, sql: string) =>
    withClient(databaseOf(service), async (client) => {
      const result = await client.query<{ id: string; at: Date }>(sql, [applicationIds]);
      return new Map(result.rows.map((row) => [row.id, row.at.getTime()]));
    });
  const submitted = await times(
    'application',
    `SELECT id::text AS id, submitted_at AS at FROM applications WHERE id::text = ANY($1)`,
  );
  const scored = await times(
    'scoring',
    `SELECT application_id AS id, decided_at AS at FROM decisions WHERE application_id = ANY($1)`,
  );
  const created = await times(
    'disbursement',
    `SELECT application_id AS id, created_at AS at FROM disbursements WHERE application_id = ANY($1)`,
  );
  const paying = await times(
    'disbursement',
    `SELECT d.application_id AS id, min(h.at) AS at FROM disbursements d
       JOIN disbursement_history h ON h.loan_id = d.loan_id AND h.state = 'paying'
      WHERE d.application_id = ANY($1) GROUP BY d.application_id`,
  );
  const disbursed = await times(
    'disbursement',
    `SELECT application_id AS id, disbursed_at AS at FROM disbursements WHERE application_id = ANY($1)`,
  );
  const hops: [string, (id: string, loan: (typeof loans)[number]) => number | undefined][] = [
    ['send → application stored', (id, loan) => minus(submitted.get(id), loan.sentAt)],
    ['application → scored', (id) => minus(scored.get(id), submitted.get(id))],
    ['scored → loan created', (id) => minus(created.get(id), scored.get(id))],
    ['loan created → paying (hold in ledger)', (id) => minus(paying.get(id), created.get(id))],
    ['paying → disbursed', (id) => minus(disbursed.get(id), paying.get(id))],
    ['disbursed → posted in ledger', (id, loan) => minus(loan.posted, disbursed.get(id))],
  ];
  return hops.map(([hop, of]) => {
    const samples = loans.flatMap((loan, i) => {
      const value = of(applicationIds[i] ?? '', loan);
      return value === undefined ? [] : [value];
    });
    const summary = summarize(samples);
    return { hop, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms };
  });
}

const minus = (later: number | undefined, earlier: number | undefined) =>
  later === undefined || earlier === undefined ? undefined : later - earlier;

export async function benchEndToEnd(rates: number[], stepSeconds: number): Promise<EndToEndResult> {
  const runId = Date.now().toString(36).toUpperCase();
  const customers: Customer[] = [];
  let lineSetupSeconds = 0;
  const steps: RateStep[] = [];
  // bench/run.sh runs the services with tracing on unless BENCH_TRACING=0.
  const spans = process.env.TRACING_OTLP_ENDPOINT ? new SpanIndex() : null;
  for (const rate of rates) {
    // Lines for this step only, opened before it starts: a run that stops early opens no more.
    const needed = Math.ceil((rate * stepSeconds) / DrawsPerCustomer);
    const setupStarted = performance.now();
    log(`end to end: opening ${needed} credit lines for the ${rate}/s step`);
    customers.push(...(await openLines(needed, `${runId}S${steps.length}`)));
    lineSetupSeconds += (performance.now() - setupStarted) / 1000;
    const step = await rateStep(rate, stepSeconds, customers, spans);
    steps.push(step);
    log(
      `end to end ${rate}/s: ${step.posted}/${step.sent} posted, p50 ${step.latency.p50Ms} ms, p99 ${step.latency.p99Ms} ms, ${step.failedOrDropped} failed or dropped${spans ? `; ${spans.spans} spans received so far` : ''}`,
    );
    // Past saturation each further step only queues more: stop when the system fell behind.
    if (step.failedOrDropped > step.sent * 0.05 || step.latency.p99Ms > 20 * OriginationP99TargetMs)
      break;
  }
  const held = steps.filter((s) => s.meetsP99).map((s) => s.offeredPerSecond);
  return {
    customers: customers.length,
    lineSetupSeconds: round(lineSetupSeconds, 1),
    steps,
    highestRateWithinP99: held.length > 0 ? Math.max(...held) : null,
  };
}

// --- Replay -----------------------------------------------------------------------------------

export interface ReplayResult {
  readonly service: 'ledger' | 'repayment';
  readonly events: number;
  readonly applied: number;
  /** From the first to the last event applied (inbox processed_at). */
  readonly applySeconds: number;
  readonly eventsPerSecond: number;
  /** From the process start, boot and group join included. */
  readonly wallSeconds: number;
  readonly complete: boolean;
}

const ReplayTimeoutMs = 180_000;
const replayPorts = { ledger: 3011 + BenchPortOffset, repayment: 3012 + BenchPortOffset };

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a second instance of the service on an empty database with a fresh consumer group that
 * starts at the earliest offsets, and times it until its inbox holds as many events as the live
 * instance's.
 */
export async function benchReplay(service: 'ledger' | 'repayment'): Promise<ReplayResult> {
  // The live instance may still be consuming the last step's events: wait until it is idle.
  const liveCount = () => countRows(databaseOf(service), `SELECT count(*) AS n FROM inbox`);
  let events = await liveCount();
  for (let settled = Date.now() + 60_000; Date.now() < settled;) {
    await sleep(2_000);
    const now = await liveCount();
    if (now === events) break;
    events = now;
  }
  const database = `credit_bench_${service}_replay`;
  await recreateDatabase(database);
  const logs = path.join(workDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const out = createWriteStream(path.join(logs, `${service}-replay.log`));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-r', './tools/runtime/register.js', `apps/${service}/src/main.ts`],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        HTTP_PORT: String(replayPorts[service]),
        DATABASE_URL: `${process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'}/${database}`,
        KAFKA_CONSUMER_GROUP: `${service}-replay-${Date.now().toString(36)}`,
        KAFKA_CONSUMER_START: 'earliest',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const stop = () => void stopChild(child);
  process.once('exit', stop);
  try {
    let applied = 0;
    const deadline = Date.now() + ReplayTimeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      await sleep(200);
      // The service creates the inbox table with its migrations, a moment after it starts.
      const migrated = await countRows(
        database,
        `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'inbox'`,
      );
      applied = migrated > 0 ? await countRows(database, `SELECT count(*) AS n FROM inbox`) : 0;
      if (applied >= events) break;
    }
    const wallSeconds = round((performance.now() - started) / 1000, 1);
    const span = await withClient(database, (client) =>
      client.query<{ seconds: number }>(
        `SELECT EXTRACT(EPOCH FROM max(processed_at) - min(processed_at))::float8 AS seconds FROM inbox`,
      ),
    );
    const applySeconds = round(span.rows[0]?.seconds ?? 0, 2);
    return {
      service,
      events,
      applied,
      applySeconds,
      eventsPerSecond: applySeconds > 0 ? Math.round(applied / applySeconds) : 0,
      wallSeconds,
      complete: applied >= events,
    };
  } finally {
    process.removeListener('exit', stop);
    await stopChild(child);
    out.end();
  }
}
