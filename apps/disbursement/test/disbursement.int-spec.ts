import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestApp, startTestApp } from '@credit/platform';
import { waitFor } from '@credit/testing';
import { DisbursementModule } from '../src/app.module';
import { disbursementEnvSchema } from '../src/config/env';
import { DisbursementsService } from '../src/disbursements/disbursements.service';
import { PayoutWorker } from '../src/payouts/payout-worker';
import { decided, publish } from './support';

/** The actor the test operator key stands for. */
const Operator = 'operator:bootstrap:env-operator';

describe('disbursement service on real PostgreSQL and Kafka', () => {
  let app: TestApp;
  const outboxOf = async (loanId: string) =>
    await app.dataSource.query<{ event_type: string; envelope: { payload: any } }[]>(
      `SELECT event_type, envelope FROM outbox WHERE message_key = $1 ORDER BY seq`,
      [loanId],
    );

  beforeAll(async () => {
    app = await startTestApp({
      service: 'disbursement',
      database: 'credit_test_disbursement',
      envSchema: disbursementEnvSchema,
      module: (config, logger) => DisbursementModule.register(config, logger),
      env: {
        RAIL_SEED: 'test',
        RAIL_DECLINE_AMOUNT: '4040.40',
        RAIL_LATE_RATE: '0',
        PAYOUT_BACKOFF_MS: '50',
        PAYOUT_POLL_INTERVAL_MS: '50',
        SETTLEMENT_SCHEDULE_ENABLED: 'false',
      },
    });
  });
  afterAll(() => app.close());

  it('an approved installment purchase books the merchant payable net of the merchant fee, once, and settles in the batch', async () => {
    const payload = decided('installment-purchase', '1000.00');
    await publish([payload], 2);
    const loanId = `L-${payload.applicationId}`;
    const disbursement = await waitFor('the disbursement', async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.status === 200 && response.body.state === 'disbursed'
        ? response.body
        : undefined;
    });
    expect(disbursement).toMatchObject({ merchantFee: '25.00', principal: '1000.00' });
    expect(disbursement.history.map((h: { state: string }) => h.state)).toEqual([
      'created',
      'disbursed',
    ]);
    const events = await outboxOf(loanId);
    expect(events.map((e) => e.event_type)).toEqual(['loan.created', 'loan.disbursed']);
    expect(events[1]?.envelope.payload).toMatchObject({
      merchantFee: { amount: '25.00', currency: 'CNY' },
      terms: { method: 'flat-fee', feePayer: 'merchant' },
    });

    const today = new Date().toISOString().slice(0, 10);
    const batch = await app.request('POST', '/v1/merchant-settlements', {
      body: { businessDate: today },
    });
    expect(batch.body.settlements).toEqual([
      expect.objectContaining({
        merchantId: 'M-7',
        amount: '975.00',
        loans: 1,
        openedBy: Operator,
        paidBy: Operator,
      }),
    ]);
    const again = await app.request('POST', '/v1/merchant-settlements', {
      role: 'admin',
      body: { businessDate: today },
    });
    expect(again.body.settlements).toEqual([]);
    // Who opened and paid it is kept with the settlement; the second run recorded nothing.
    expect(
      await app.dataSource.query(
        `SELECT opened_by, paid_by FROM merchant_settlements WHERE settlement_id = $1`,
        [batch.body.settlements[0].settlementId],
      ),
    ).toEqual([{ opened_by: Operator, paid_by: Operator }]);
  });

  it('a payout reconciliation records who ran it; the same statement again, whoever asks, records nothing new; the daily one records the service', async () => {
    const businessDate = '2026-01-15';
    const first = await app.request('POST', '/v1/payout-reconciliations', {
      body: { businessDate },
    });
    expect(first.status).toBe(201);
    expect(first.body.reconciledBy).toBe(Operator);
    const again = await app.request('POST', '/v1/payout-reconciliations', {
      role: 'admin',
      body: { businessDate },
    });
    expect(again.body).toMatchObject({ eventId: first.body.eventId, reconciledBy: Operator });
    const actorOf = (date: string) =>
      app.dataSource.query(`SELECT actor FROM payout_reconciliations WHERE business_date = $1`, [
        date,
      ]);
    expect(await actorOf(businessDate)).toEqual([{ actor: Operator }]);
    expect(
      await app.dataSource.query(
        `SELECT event_id::text AS "eventId", actor FROM payout_reconciliation_runs WHERE business_date = $1`,
        [businessDate],
      ),
    ).toEqual([{ eventId: first.body.eventId, actor: Operator }]);

    await app.app.get(PayoutWorker).reconciliation.runNow();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(await actorOf(yesterday)).toEqual([{ actor: 'system:disbursement' }]);
  });

  it('an approved cash loan is paid to the customer through the rail, exactly once', async () => {
    const payload = decided('cash-loan', '5000.00');
    await publish([payload]);
    const loanId = `L-${payload.applicationId}`;
    const disbursement = await waitFor('the payout', async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.body.state === 'disbursed' ? response.body : undefined;
    });
    expect(disbursement.history.map((h: { state: string }) => h.state)).toEqual([
      'created',
      'paying',
      'disbursed',
    ]);
    const payouts = await app.dataSource.query(
      `SELECT payout_id, outcome FROM rail_payouts WHERE payout_id = $1`,
      [`payout:${loanId}`],
    );
    expect(payouts).toEqual([{ payout_id: `payout:${loanId}`, outcome: 'succeeded' }]);
    expect((await outboxOf(loanId)).map((e) => e.event_type)).toEqual([
      'loan.created',
      'loan.disbursed',
    ]);
  });

  it('pays many approved cash loans at once, several in flight, each exactly once', async () => {
    const payloads = Array.from({ length: 24 }, (_, i) => decided('cash-loan', `${1000 + i}.00`));
    await publish(payloads);
    const loanIds = payloads.map((p) => `L-${p.applicationId}`);
    await waitFor('every payout', async () => {
      const [row] = await app.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM disbursements WHERE loan_id = ANY($1) AND state = 'disbursed'`,
        [loanIds],
      );
      return row?.n === loanIds.length ? true : undefined;
    });
    const payouts = await app.dataSource.query<{ payout_id: string; n: number }[]>(
      `SELECT payout_id, count(*)::int AS n FROM rail_payouts WHERE payout_id = ANY($1) GROUP BY payout_id`,
      [loanIds.map((id) => `payout:${id}`)],
    );
    expect(payouts).toHaveLength(loanIds.length);
    expect(payouts.every((p) => p.n === 1)).toBe(true);
    const disbursed = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox WHERE message_key = ANY($1) AND event_type = 'loan.disbursed'`,
      [loanIds],
    );
    expect(disbursed[0]?.n).toBe(loanIds.length);
  });

  it('a payout the bank declines fails the disbursement and announces it; nothing is disbursed', async () => {
    const payload = decided('cash-loan', '4040.40');
    await publish([payload]);
    const loanId = `L-${payload.applicationId}`;
    const failed = await waitFor('the failure', async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.body.state === 'failed' ? response.body : undefined;
    });
    expect(failed.lastError).toContain('declined');
    expect((await outboxOf(loanId)).map((e) => e.event_type)).toEqual([
      'loan.created',
      'disbursement.failed',
    ]);
  });

  it('a declined application creates nothing', async () => {
    const payload = decided('cash-loan', '100.00', 'declined');
    const [eventId] = await publish([payload]);
    // The consumer took the decision (its inbox row commits with whatever it did), then:
    await waitFor(`the inbox row of ${eventId}`, async () => {
      const rows = await app.dataSource.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [eventId]);
      return rows.length > 0 ? true : undefined;
    });
    expect((await app.request('GET', `/v1/disbursements/L-${payload.applicationId}`)).status).toBe(
      404,
    );
  });
});

describe('disbursement with a bank that confirms late', () => {
  it('keeps the payout unconfirmed and asks the bank its status until it confirms; pays once', async () => {
    const app = await startTestApp({
      service: 'disbursement',
      database: 'credit_test_disbursement_late',
      envSchema: disbursementEnvSchema,
      module: (config, logger) => DisbursementModule.register(config, logger),
      env: {
        RAIL_LATE_RATE: '1',
        RAIL_LATE_CONFIRMATION_MS: '400',
        PAYOUT_BACKOFF_MS: '100',
        PAYOUT_POLL_INTERVAL_MS: '50',
        SETTLEMENT_SCHEDULE_ENABLED: 'false',
      },
    });
    try {
      const payload = decided('cash-loan', '700.00');
      await publish([payload]);
      const loanId = `L-${payload.applicationId}`;
      const done = await waitFor('the late confirmation', async () => {
        const response = await app.request('GET', `/v1/disbursements/${loanId}`);
        return response.body.state === 'disbursed' ? response.body : undefined;
      });
      expect(done.attempts).toBeGreaterThan(1);
      expect(done.history.map((h: { state: string }) => h.state)).toContain('unconfirmed');
      expect(done.payoutReference).toBe(`payout:${loanId}`);
      const [payout] = await app.dataSource.query<{ requests: number; outcome: string }[]>(
        `SELECT requests, outcome FROM rail_payouts WHERE payout_id = $1`,
        [`payout:${loanId}`],
      );
      expect(payout?.outcome).toBe('succeeded');
      // Sent once; every later attempt was a status enquiry by the reference.
      expect(payout?.requests).toBe(1);
    } finally {
      await app.close();
    }
  });
});

/**
 * A stand-in for the ledger's hold API with its idempotency: the first request of a key is
 * applied (an effect), a repeat is answered from it. Each call takes `delayMs`, and the most
 * calls in flight at once are counted.
 */
class FakeLedger {
  readonly effects: { key: string; path: string }[] = [];
  readonly calls: string[] = [];
  maxInFlight = 0;
  /**
   * When set to n > 1, requests wait until n are in flight at once (then all go on), or for at most
   * `gateTimeoutMs`: a test of concurrency then waits on the condition instead of hoping that the
   * timing overlaps on a busy machine. Serialized callers never reach n, and maxInFlight stays 1.
   */
  awaitConcurrent = 0;
  private readonly gateTimeoutMs = 20_000;
  private gateOpen = false;
  private readonly gated: (() => void)[] = [];
  private inFlight = 0;
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  private server: Server | undefined;

  constructor(private readonly delayMs: number) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  effectsOf(loanId: string): string[] {
    return this.effects.filter((e) => e.key.startsWith(`line-hold:${loanId}`)).map((e) => e.key);
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    for await (const _chunk of request) void _chunk;
    const key = String(request.headers['idempotency-key']);
    const path = request.url ?? '';
    this.calls.push(key);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.awaitConcurrent > 1 && !this.gateOpen) {
      if (this.inFlight >= this.awaitConcurrent) {
        this.gateOpen = true;
        for (const release of this.gated.splice(0)) release();
      } else {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.gateTimeoutMs);
          this.gated.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight--;
    const known = this.replies.get(key);
    if (known) return known;
    this.effects.push({ key, path });
    const reply =
      path === '/v1/holds'
        ? { status: 201, body: { id: randomUUID() } }
        : { status: 200, body: { status: path.endsWith('/post') ? 'posted' : 'voided' } };
    this.replies.set(key, reply);
    return reply;
  }
}

describe('payouts with the line hold in the ledger, no call inside a transaction', () => {
  let app: TestApp;
  let ledger: FakeLedger;
  let service: DisbursementsService;

  beforeAll(async () => {
    ledger = new FakeLedger(50);
    const ledgerUrl = await ledger.start();
    app = await startTestApp({
      service: 'disbursement',
      database: 'credit_test_disbursement_holds',
      envSchema: disbursementEnvSchema,
      module: (config, logger) => DisbursementModule.register(config, logger),
      env: {
        LEDGER_URL: ledgerUrl,
        RAIL_SEED: 'test',
        RAIL_DECLINE_AMOUNT: '4040.40',
        RAIL_AMOUNT_FATES:
          '5050.50=timeout-after-pay,6060.60=late,7070.70=answer-twice,8080.80=drop-first',
        RAIL_LATE_CONFIRMATION_MS: '2500',
        // Few attempts: an unknown outcome must outlast them without voiding the hold.
        PAYOUT_ATTEMPTS_MAX: '2',
        PAYOUT_BACKOFF_MS: '50',
        // The safety poll is long: payouts must be woken by the commit that queues them.
        PAYOUT_POLL_INTERVAL_MS: '60000',
        // Longer than one attempt on a loaded machine, short enough for the crash tests to wait.
        PAYOUT_LEASE_MS: '2000',
        PAYOUT_CONCURRENCY: '4',
        SETTLEMENT_SCHEDULE_ENABLED: 'false',
      },
    });
    service = app.app.get(DisbursementsService);
  });
  afterAll(async () => {
    await app?.close();
    await ledger?.stop();
  });

  const disbursed = (loanId: string) =>
    waitFor(`${loanId} disbursed`, async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.body.state === 'disbursed' ? response.body : undefined;
    });
  const railRequests = async (loanId: string) =>
    app.dataSource.query<{ requests: number; outcome: string }[]>(
      `SELECT requests, outcome FROM rail_payouts WHERE payout_id = $1`,
      [`payout:${loanId}`],
    );
  const attempts = async (loanId: string) =>
    app.dataSource.query<{ attempt: number; outcome: string | null }[]>(
      `SELECT attempt, outcome FROM payout_attempts WHERE loan_id = $1 ORDER BY attempt`,
      [loanId],
    );
  const disbursedEvents = async (loanId: string) =>
    (
      await app.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM outbox WHERE message_key = $1 AND event_type = 'loan.disbursed'`,
        [loanId],
      )
    )[0]?.n;

  it('reserves the hold, pays and posts the hold outside any transaction, several payouts in flight', async () => {
    const payloads = Array.from({ length: 8 }, (_, i) => decided('cash-loan', `${2000 + i}.00`));
    // The fake ledger holds the first request until a second one arrives (or 20 s pass).
    ledger.awaitConcurrent = 2;
    await publish(payloads);
    const loanIds = payloads.map((p) => `L-${p.applicationId}`);
    for (const loanId of loanIds) {
      const done = await disbursed(loanId);
      expect(done.history.map((h: { state: string }) => h.state)).toEqual([
        'created',
        'paying',
        'limit-reserved',
        'disbursed',
      ]);
      expect(ledger.effectsOf(loanId)).toEqual([`line-hold:${loanId}`, `line-hold:${loanId}:post`]);
      expect(await railRequests(loanId)).toEqual([{ requests: 1, outcome: 'succeeded' }]);
      expect(await disbursedEvents(loanId)).toBe(1);
    }
    // The ledger's latency is not serialized: several holds were asked for at once.
    expect(ledger.maxInFlight).toBeGreaterThan(1);
    ledger.awaitConcurrent = 0;
  });

  /** Publishes an approved cash loan; returns its loan id. */
  const approveCashLoan = async (amount: string) => {
    const payload = decided('cash-loan', amount);
    await publish([payload]);
    return `L-${payload.applicationId}`;
  };
  /** The hold was reserved and posted once (never voided), and loan.disbursed announced once. */
  const expectBookedOnce = async (loanId: string) => {
    expect(ledger.effectsOf(loanId)).toEqual([`line-hold:${loanId}`, `line-hold:${loanId}:post`]);
    expect(await disbursedEvents(loanId)).toBe(1);
  };
  /** Unconfirmed after the first attempt, found paid by the second: one request to the bank. */
  const expectPaidOnceAfterUnconfirmed = async (loanId: string) => {
    const done = await disbursed(loanId);
    expect(history(done)).toEqual([
      'created',
      'paying',
      'limit-reserved',
      'unconfirmed',
      'disbursed',
    ]);
    expect(await attempts(loanId)).toEqual([
      { attempt: 1, outcome: 'unknown' },
      { attempt: 2, outcome: 'succeeded' },
    ]);
    expect(await railRequests(loanId)).toEqual([{ requests: 1, outcome: 'succeeded' }]);
    await expectBookedOnce(loanId);
  };

  it.each([
    ['the hold and the rail', 'afterHoldBeforeRail', '3100.00', 1],
    ['the rail and the record', 'afterRailBeforeRecord', '3200.00', 2],
  ] as const)(
    'a crash between %s: the claim is taken again after its lease, by the same keys, paid once',
    async (_between, fault, amount, railRequestsExpected) => {
      const payload = decided('cash-loan', amount);
      const loanId = `L-${payload.applicationId}`;
      let crashes = 0;
      service.faults = {
        [fault]: (id: string) => {
          if (id !== loanId || crashes > 0) return;
          crashes++;
          throw new Error(`simulated crash (${fault})`);
        },
      };
      try {
        await publish([payload]);
        await disbursed(loanId);
      } finally {
        service.faults = {};
      }
      expect(crashes).toBe(1);
      expect(await attempts(loanId)).toEqual([
        { attempt: 1, outcome: null },
        { attempt: 2, outcome: 'succeeded' },
      ]);
      // Asked again after a crash past the rail, the rail answers from the payout id: paid once.
      expect(await railRequests(loanId)).toEqual([
        { requests: railRequestsExpected, outcome: 'succeeded' },
      ]);
      await expectBookedOnce(loanId);
    },
  );

  it('a declined payout voids the hold once and fails the disbursement', async () => {
    const payload = decided('cash-loan', '4040.40');
    const loanId = `L-${payload.applicationId}`;
    await publish([payload]);
    const failed = await waitFor('the failure', async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.body.state === 'failed' ? response.body : undefined;
    });
    expect(failed.history.map((h: { state: string }) => h.state)).toEqual([
      'created',
      'paying',
      'limit-reserved',
      'failed',
    ]);
    expect(ledger.effectsOf(loanId)).toEqual([`line-hold:${loanId}`, `line-hold:${loanId}:void`]);
  });
  const history = (body: { history: { state: string }[] }) => body.history.map((h) => h.state);
  const failedEvents = async (loanId: string) =>
    (
      await app.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM outbox WHERE message_key = $1 AND event_type = 'disbursement.failed'`,
        [loanId],
      )
    )[0]?.n;

  it('the bank pays and the answer is lost (a timeout): unconfirmed, asked by reference, booked once, never voided', async () => {
    const loanId = await approveCashLoan('5050.50');
    // Sent once; the second attempt only asked. The hold was posted, never voided.
    await expectPaidOnceAfterUnconfirmed(loanId);
    expect(await failedEvents(loanId)).toBe(0);
  });

  it('a late confirmation past PAYOUT_ATTEMPTS_MAX keeps the hold while unknown, then books exactly once', async () => {
    const loanId = await approveCashLoan('6060.60');
    // Past the attempts maximum (2) and still unknown: unconfirmed, flagged, the hold untouched.
    // (The worker's wake-ups carry jitter; this test also runs passes itself, as another slot would.)
    const flagged = await waitFor('the payout flagged as unconfirmed', async () => {
      await service.payDue({ attemptsMax: 2, backoffMs: 50, concurrency: 1, leaseMs: 2000 });
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.body.state === 'unconfirmed' && response.body.attempts > 2
        ? response.body
        : undefined;
    });
    expect(flagged.lastError).toContain('unconfirmed after');
    expect(ledger.effectsOf(loanId)).toEqual([`line-hold:${loanId}`]);
    const done = await disbursed(loanId);
    expect(done.attempts).toBeGreaterThan(2);
    expect(await railRequests(loanId)).toEqual([{ requests: 1, outcome: 'succeeded' }]);
    await expectBookedOnce(loanId);
    expect(await failedEvents(loanId)).toBe(0);
  });

  it('a request lost before the bank: unconfirmed, the enquiry finds nothing, sent again by the same reference, paid once', async () => {
    await expectPaidOnceAfterUnconfirmed(await approveCashLoan('8080.80'));
  });

  it('a request the bank receives and answers twice pays once and books once', async () => {
    const loanId = await approveCashLoan('7070.70');
    const done = await disbursed(loanId);
    expect(history(done)).toEqual(['created', 'paying', 'limit-reserved', 'disbursed']);
    expect(await railRequests(loanId)).toEqual([{ requests: 2, outcome: 'succeeded' }]);
    await expectBookedOnce(loanId);
  });
});
