import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApplicationDecidedV1, type ApplicationDecidedV1Payload } from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { recreateServiceDatabase } from '@credit/platform';
import {
  cashLoanPricing,
  freePort,
  purchasePricing,
  replayed,
  testKafka,
  waitFor,
} from '@credit/testing';
import {
  type RunningProcess,
  type Service,
  apiKeys,
  customerTokenPublicKeys,
  repoRoot,
  spawnService,
} from '../support/services';

/**
 * Rebuilding the disbursement service from the log: its database emptied (the bank keeps its own
 * books), application.events replayed, the merchant batch run again. The payouts end as they were,
 * the bank pays nothing twice (every payout goes by the same reference), the events it publishes
 * again carry the same ids, and the real ledger, which consumed them the first time, books nothing
 * twice: its entry count is unchanged.
 */
const brokersList = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const kafka = testKafka('rebuild-test');
const scoring = new OutboxWriter('test-scoring');
const runId = Date.now().toString(36);
const lineId = `LINE-RB-${runId}`;
const merchantId = `M-RB-${runId}`;
const customerId = `C-RB-${runId}`;
const today = new Date().toISOString().slice(0, 10);
const ledgerGroup = `ledger-rebuild-${runId}`;
const LedgerTopics = ['loan.events', 'merchant.events'];

const cashPricing = cashLoanPricing();
const planPricing = purchasePricing();

const base = (applicationId: string) => ({
  applicationId,
  customerId,
  modelVersion: 'scorecard-v1',
  score: 600,
  pd: '0.0100',
  reasons: [],
  rulesFired: [],
  decision: 'approved' as const,
  decidedAt: new Date().toISOString(),
});

const lineApproved = (): ApplicationDecidedV1Payload => ({
  ...base(`A-RB-LINE-${runId}`),
  kind: 'credit-line',
  creditLine: { lineId, limit: { amount: '100000.00', currency: 'CNY' }, priceTier: 'A' },
  draw: null,
});

const drawApproved = (
  product: 'cash-loan' | 'installment-purchase',
  amount: string,
  merchant = merchantId,
): ApplicationDecidedV1Payload => ({
  ...base(`A-RB-${randomUUID().slice(0, 8)}`),
  kind: 'draw',
  creditLine: null,
  draw: {
    lineId,
    product,
    amount: { amount, currency: 'CNY' },
    periods: 3,
    merchantId: product === 'installment-purchase' ? merchant : null,
    feePayer: product === 'installment-purchase' ? 'merchant' : null,
    merchantFee: null,
    pricing: product === 'installment-purchase' ? planPricing : cashPricing,
  },
});

async function publish(payloads: ApplicationDecidedV1Payload[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: ApplicationDecidedV1.topic,
    messages: payloads.map((payload) =>
      recordOf(
        scoring.build({ definition: ApplicationDecidedV1, key: payload.applicationId, payload }),
      ),
    ),
  });
  await producer.disconnect();
}

type Offsets = Map<string, string>;
async function highWatermarks(): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const marks = new Map<string, string>();
    for (const topic of LedgerTopics) {
      for (const p of await admin.fetchTopicOffsets(topic))
        marks.set(`${topic}/${p.partition}`, p.high);
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
}

/** True once the ledger's consumer group has committed past every event now on its topics. */
async function ledgerCaughtUp(startMarks: Offsets): Promise<true | undefined> {
  const marks = await highWatermarks();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId: ledgerGroup, topics: LedgerTopics });
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const high = marks.get(`${topic}/${partition}`) ?? '0';
        const behind =
          offset === '-1'
            ? high !== startMarks.get(`${topic}/${partition}`)
            : BigInt(offset) < BigInt(high);
        if (behind) return undefined;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** A service spawned as a process on its own (fresh) database, with a client on that database. */
class Running {
  private constructor(
    readonly baseUrl: string,
    readonly db: Client,
    private readonly run: RunningProcess,
  ) {}

  static async start(
    service: Service,
    database: string,
    env: Record<string, string>,
  ): Promise<Running> {
    const urls = await recreateServiceDatabase(service, database);
    const port = await freePort();
    const run = spawnService(service, {
      HTTP_PORT: String(port),
      DATABASE_URL: urls.url,
      MIGRATIONS_DATABASE_URL: urls.migrationsUrl,
      KAFKA_BROKERS: brokersList,
      KAFKA_CONSUMER_GROUP: `${service}-rebuild-${runId}-${Date.now()}`,
      // A new group starts at the end of the shared test topics: only this test's events.
      KAFKA_CONSUMER_START: 'latest',
      CUSTOMER_TOKEN_PUBLIC_KEYS: customerTokenPublicKeys,
      OPERATOR_API_KEY: apiKeys.operator,
      ADMIN_API_KEY: apiKeys.admin,
      KAFKA_CONNECT_BACKOFF_INITIAL_MS: '200',
      KAFKA_CONNECT_BACKOFF_MAX_MS: '1000',
      OUTBOX_POLL_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
      ...env,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(`${service} to be ready`, async () => {
      try {
        return (await fetch(`${baseUrl}/health`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
    // The test's own client is a superuser: it empties and tampers with the service's tables.
    const db = new Client({ connectionString: urls.adminUrl });
    await db.connect();
    return new Running(baseUrl, db, run);
  }

  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; role?: 'operator' | 'admin'; idempotencyKey?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const send = () =>
      fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKeys[options.role ?? 'operator']}`,
          'content-type': 'application/json',
          ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    // A kept-alive connection the server closed while idle fails at once ("other side closed")
    // before the request is sent: sent again on a new connection (every call here is idempotent).
    const response = await send().catch(send);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async stop(): Promise<void> {
    await this.db.end();
    this.run.child.kill('SIGTERM');
    await this.run.exited;
  }
}

const startDisbursement = (ledgerUrl: string, database = 'credit_test_rebuild_disbursement') =>
  Running.start('disbursement', database, {
    LEDGER_URL: ledgerUrl,
    RAIL_SEED: 'rebuild',
    RAIL_AMOUNT_FATES:
      '4040.40=declined,5050.50=timeout-after-pay,6060.60=late,7070.70=answer-twice',
    RAIL_LATE_CONFIRMATION_MS: '1000',
    PAYOUT_BACKOFF_MS: '50',
    PAYOUT_POLL_INTERVAL_MS: '100',
    SETTLEMENT_SCHEDULE_ENABLED: 'false',
    PAYOUT_RECONCILIATION_SCHEDULE_ENABLED: 'false',
  });

interface BankRow {
  payout_id: string;
  payee: string;
  amount: string;
  currency: string;
  outcome: string;
  confirm_at: Date | null;
  requests: number;
  created_at: Date;
  paid_at: Date | null;
  fate: string | null;
}

/** The disbursement service's state a rebuild must restore, and the ids of what it published. */
async function snapshot(app: Running) {
  const rows = (sql: string) => app.rows<unknown>(sql);
  return {
    disbursements: await rows(
      `SELECT loan_id, application_id, customer_id, line_id, product, currency, principal::text,
              merchant_id, merchant_fee::text, pricing, state, payout_reference, line_hold_id,
              settlement_id, to_char(start_date, 'YYYY-MM-DD') AS start_date
         FROM disbursements ORDER BY loan_id`,
    ),
    settlements: await rows(
      `SELECT settlement_id, merchant_id, to_char(business_date, 'YYYY-MM-DD') AS business_date,
              amount::text, currency, loans, status
         FROM merchant_settlements ORDER BY settlement_id`,
    ),
    events: await rows(`SELECT event_id, event_type, message_key FROM outbox ORDER BY event_id`),
  };
}

async function settled(app: Running, loanIds: string[]): Promise<void> {
  await waitFor(
    'every payout to be disbursed or failed',
    async () => {
      const [row] = await app.rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM disbursements
          WHERE loan_id = ANY($1) AND state IN ('disbursed', 'failed')`,
        [loanIds],
      );
      return row?.n === loanIds.length ? true : undefined;
    },
    60_000,
    100,
  );
  const batch = await app.request('POST', '/v1/merchant-settlements', {
    body: { businessDate: today },
  });
  expect(batch.status).toBe(201);
  await waitFor(
    'the outbox to drain',
    async () => {
      const [row] = await app.rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
      );
      return row?.n === 0 ? true : undefined;
    },
    30_000,
    100,
  );
}

describe('rebuilding disbursement from the log books nothing twice', () => {
  let ledger: Running;
  let startMarks: Offsets;
  const entryCount = async () =>
    (await ledger.rows<{ n: number }>(`SELECT count(*)::int AS n FROM journal_entries`))[0]?.n;
  const holds = () =>
    ledger.rows<unknown>(`SELECT id, status, amount::text FROM holds ORDER BY id`);

  beforeAll(async () => {
    startMarks = await highWatermarks();
    ledger = await Running.start('ledger', 'credit_test_rebuild_ledger', {
      KAFKA_CONSUMER_GROUP: ledgerGroup,
      RECONCILIATION_SCHEDULE_ENABLED: 'false',
    });
    await publish([lineApproved()]);
    await waitFor('the line’s accounts in the ledger', async () => {
      const reply = await ledger.request(
        'GET',
        `/v1/accounts/assets:credit-line-drawn:${lineId}/balance`,
      );
      return reply.status === 200 ? true : undefined;
    });
  });
  afterAll(() => ledger?.stop());

  it('empty database, replay: same payouts, same event ids, the bank pays once, the ledger entry count unchanged', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const before = await startDisbursement(ledger.baseUrl);
    let original: Awaited<ReturnType<typeof snapshot>>;
    let bank: BankRow[];
    const draws = [
      drawApproved('cash-loan', '5000.00'),
      drawApproved('cash-loan', '4040.40'),
      drawApproved('cash-loan', '5050.50'),
      drawApproved('cash-loan', '6060.60'),
      drawApproved('cash-loan', '7070.70'),
      drawApproved('installment-purchase', '1000.00'),
    ];
    const loanIds = draws.map((d) => `L-${d.applicationId}`);
    try {
      await publish(draws);
      await settled(before, loanIds);
      original = await snapshot(before);
      bank = await before.rows<BankRow>(`SELECT * FROM rail_payouts ORDER BY payout_id`);
    } finally {
      await before.stop();
    }
    expect(original.disbursements.map((d) => (d as { state: string }).state).sort()).toEqual([
      'disbursed',
      'disbursed',
      'disbursed',
      'disbursed',
      'disbursed',
      'failed',
    ]);
    expect(original.settlements).toHaveLength(1);
    await waitFor('the ledger to consume every event', () => ledgerCaughtUp(startMarks));
    const entriesBefore = await entryCount();
    const holdsBefore = await holds();
    expect(entriesBefore).toBeGreaterThan(5);

    // The same database emptied and migrated again, a new consumer group. The bank's books are the
    // bank's: they survive the service's database.
    const after = await startDisbursement(ledger.baseUrl);
    try {
      expect((await after.request('GET', `/v1/disbursements/${loanIds[0]}`)).status).toBe(404);
      for (const row of bank) {
        await after.rows(
          `INSERT INTO rail_payouts (payout_id, payee, amount, currency, outcome, confirm_at, requests,
                                     created_at, paid_at, fate)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            row.payout_id,
            row.payee,
            row.amount,
            row.currency,
            row.outcome,
            row.confirm_at,
            row.requests,
            row.created_at,
            row.paid_at,
            row.fate,
          ],
        );
      }
      expect(await replayed(after, `rebuild-${runId}`, since)).toMatchObject({
        status: 'succeeded',
      });
      await settled(after, loanIds);

      expect(await snapshot(after)).toEqual(original);
      // Every payout went to the bank by its reference: no new payout, no second payment.
      const bankAfter = await after.rows<{ payout_id: string; outcome: string }>(
        `SELECT payout_id, outcome FROM rail_payouts ORDER BY payout_id`,
      );
      expect(bankAfter).toEqual(bank.map((b) => ({ payout_id: b.payout_id, outcome: b.outcome })));
      expect(bank).toHaveLength(6); // five cash payouts and the merchant's settlement
      await waitFor('the ledger to consume the republished events', () =>
        ledgerCaughtUp(startMarks),
      );
      expect(await entryCount()).toBe(entriesBefore);
      expect(await holds()).toEqual(holdsBefore);
    } finally {
      await after.stop();
    }
  });
  it('the daily payout reconciliation matches the bank statement against the payouts and the ledger, and reports every break', async () => {
    const app = await startDisbursement(ledger.baseUrl, 'credit_test_payout_reconciliation');
    try {
      const draws = [
        drawApproved('cash-loan', '1100.00'),
        drawApproved('cash-loan', '1200.00'),
        drawApproved('cash-loan', '5050.50'),
        // Another merchant than the rebuild's: its settlement (and the event booking it) is its own.
        drawApproved('installment-purchase', '1300.00', `${merchantId}-2`),
      ];
      const loanIds = draws.map((d) => `L-${d.applicationId}`);
      await publish(draws);
      await settled(app, loanIds);
      const bookingEvents = (
        await app.rows<{ event_id: string }>(
          `SELECT event_id::text FROM outbox WHERE event_type IN ('loan.disbursed', 'merchant.settled')`,
        )
      ).map((r) => r.event_id);
      const references = new Set([
        ...loanIds.map((id) => `payout:${id}`),
        ...(
          await app.rows<{ settlement_id: string }>(
            `SELECT settlement_id FROM merchant_settlements`,
          )
        ).map((r) => `settlement:${r.settlement_id}`),
        'payout:L-ghost',
      ]);
      /** The ledger's payout breaks of this test's payouts, once it holds the statement `eventId`. */
      const ledgerPayoutBreaks = async (eventId: string) => {
        await waitFor('the statement in the ledger', async () => {
          const [row] = await ledger.rows<{ event_id: string }>(
            `SELECT event_id::text FROM payout_statements WHERE business_date = $1`,
            [today],
          );
          return row?.event_id === eventId ? true : undefined;
        });
        const cli = spawnSync('npm', ['run', '-s', 'cli', '--', 'reconcile', '--json'], {
          cwd: repoRoot,
          env: { ...process.env, LEDGER_URL: ledger.baseUrl, OPERATOR_API_KEY: apiKeys.operator },
          encoding: 'utf8',
        });
        const report = JSON.parse(cli.stdout) as {
          payouts: {
            breaks: { source: string; kind: string; reference: string; eventId: string | null }[];
          };
        };
        return report.payouts.breaks
          .filter((b) => references.has(b.reference) || bookingEvents.includes(b.eventId ?? ''))
          .map((b) => `${b.source} ${b.kind} ${b.reference}`)
          .sort();
      };

      const clean = await app.request('POST', '/v1/payout-reconciliations', {
        body: { businessDate: today },
      });
      expect(clean.status).toBe(201);
      // Three cash payouts and the merchant's settlement, each on the statement and booked.
      expect(clean.body).toMatchObject({ ok: true, statementLines: 4, breaks: [] });
      expect(await ledgerPayoutBreaks(clean.body.eventId)).toEqual([]);
      // The same statement again: nothing new announced.
      const again = await app.request('POST', '/v1/payout-reconciliations', {
        body: { businessDate: today },
      });
      expect(again.body.eventId).toBe(clean.body.eventId);

      // The bank paid a reference nobody booked, paid another amount, and never paid a third.
      await app.rows(
        `INSERT INTO rail_payouts (payout_id, payee, amount, currency, outcome, paid_at)
         VALUES ('payout:L-ghost', 'customer:C-ghost', 10.00, 'CNY', 'succeeded', now())`,
      );
      await app.rows(`UPDATE rail_payouts SET amount = 1199.99 WHERE payout_id = $1`, [
        `payout:${loanIds[1]}`,
      ]);
      await app.rows(`DELETE FROM rail_payouts WHERE payout_id = $1`, [`payout:${loanIds[0]}`]);
      // The ledger calls an entry unpaid once the statements around its date are in.
      for (const day of [-1, 1]) {
        const date = new Date(Date.parse(today) + day * 86_400_000).toISOString().slice(0, 10);
        const around = await app.request('POST', '/v1/payout-reconciliations', {
          body: { businessDate: date },
        });
        expect(around.body).toMatchObject({ ok: true, statementLines: 0 });
      }
      const broken = await app.request('POST', '/v1/payout-reconciliations', {
        body: { businessDate: today },
      });
      expect(broken.body.ok).toBe(false);
      expect(
        (broken.body.breaks as { kind: string; reference: string }[])
          .map((b) => `${b.kind} ${b.reference}`)
          .sort(),
      ).toEqual(
        [
          `booked-not-paid payout:${loanIds[0]}`,
          `amount-differs payout:${loanIds[1]}`,
          'paid-not-booked payout:L-ghost',
        ].sort(),
      );
      expect(await ledgerPayoutBreaks(broken.body.eventId)).toEqual(
        [
          `disbursement booked-not-paid payout:${loanIds[0]}`,
          `disbursement amount-differs payout:${loanIds[1]}`,
          'disbursement paid-not-booked payout:L-ghost',
          // The journal: the ghost has no booking entry, the second's entry is for 1200.00, the
          // first's entry is named by no statement line.
          'ledger paid-not-booked payout:L-ghost',
          `ledger amount-differs payout:${loanIds[1]}`,
          'ledger booked-not-paid loan.disbursed',
        ].sort(),
      );
    } finally {
      await app.stop();
    }
  });
});
