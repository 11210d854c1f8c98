import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  type EventDefinition,
  LoanDisbursedV1,
  LoanStateRecordedV1,
  type LoanStateRecordedV1Payload,
  RepaymentAllocatedV1,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import {
  allocationOf,
  cashLoanDisbursed,
  cny,
  loanStateRecorded,
  testKafka,
  waitFor,
} from '@credit/testing';
import { DailyReconciliation } from '../src/reconciliation/daily-reconciliation';
import { type LedgerHarness, runCli, startLedger, testKeys } from './harness';

describe('reconciliation from the loan positions the ledger projects from the repayment changelog', () => {
  let ledger: LedgerHarness;
  let kafka: Kafka;
  const writer = new OutboxWriter('test-repayment');
  const suffix = randomUUID().slice(0, 8);
  const loanId = `L-REC-${suffix}`;
  const customerId = `C-REC-${suffix}`;

  const send = async (definition: EventDefinition, key: string, payloads: unknown[]) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: definition.topic,
      messages: payloads.map((payload) => recordOf(writer.build({ definition, key, payload }))),
    });
    await producer.disconnect();
  };

  /** The loan's whole state at `version`, with `principalPaid` of its 1,000.00 repaid. */
  const state = (version: number, principalPaid: string): LoanStateRecordedV1Payload =>
    loanStateRecorded({
      loanId,
      customerId,
      version,
      principal: '1000.00',
      principalPaid,
      startDate: '2026-11-25',
      processedThrough: '2026-11-25',
    });

  const position = async () => {
    const [row] = await ledger.dataSource.query<{ version: number; principal: string }[]>(
      `SELECT version, principal_outstanding::text AS principal FROM loan_positions WHERE loan_id = $1`,
      [loanId],
    );
    return row;
  };
  const principalBalance = async () =>
    (await ledger.request('GET', `/v1/accounts/assets:loans:principal:${loanId}/balance`)).body
      .balance as string | undefined;

  /** Starts a run and follows it until it is no longer running; returns the finished run. */
  const runToEnd = async (key = `rec-${randomUUID()}`) => {
    const started = await ledger.request('POST', '/v1/reconciliation/runs', {
      idempotencyKey: key,
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ trigger: 'operator', status: 'running' });
    return waitFor(`run ${started.body.id} to finish`, async () => {
      const run = await ledger.request('GET', `/v1/reconciliation/runs/${started.body.id}`);
      return run.body.status === 'running' ? undefined : run.body;
    });
  };

  beforeAll(async () => {
    kafka = testKafka('ledger-reconciliation-test');
    ledger = await startLedger('credit_test_ledger_reconciliation', {
      RECONCILIATION_SCHEDULE_ENABLED: 'false',
    });
    // The disbursement on the books, and the repayment service's first state of the loan.
    await send(LoanDisbursedV1, loanId, [
      cashLoanDisbursed({
        loanId,
        customerId,
        principal: '1000.00',
        terms: state(1, '0.00').loan.terms,
      }),
    ]);
    await send(LoanStateRecordedV1, loanId, [state(1, '0.00')]);
    await waitFor('the loan posted and its position projected', async () =>
      (await principalBalance()) === '1000.00' && (await position())?.version === 1
        ? true
        : undefined,
    );
  }, 120_000);

  afterAll(async () => {
    await ledger?.close();
  });

  it('a run answers 202 at once, runs in the background and finds the books agree; the key replays it', async () => {
    const key = `rec-clean-${suffix}`;
    const run = await runToEnd(key);
    expect(run).toMatchObject({
      status: 'completed',
      ok: true,
      breaks: 0,
      progress: { loansChecked: 1, loansTotal: 1 },
      report: {
        ok: true,
        loans: { checked: 1, breakCount: 0, breaks: [] },
        events: { withoutEntry: [], entriesWithoutEvent: [] },
        trialBalance: { balanced: true },
      },
    });
    expect(run.report.events.posted).toBeGreaterThanOrEqual(1);
    const again = await ledger.request('POST', '/v1/reconciliation/runs', { idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(run.id);
    const latest = await ledger.request('GET', '/v1/reconciliation');
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ id: run.id, ok: true });
  });

  it('keeps only the newest version of a loan: older and redelivered states change nothing', async () => {
    // Version 3 (400.00 repaid), then the older version 2 and version 3 again.
    await send(LoanStateRecordedV1, loanId, [
      state(3, '400.00'),
      state(2, '100.00'),
      state(3, '400.00'),
    ]);
    await waitFor('version 3 projected', async () =>
      (await position())?.version === 3 ? true : undefined,
    );
    // Sent after the others on the same partition: once it is in, the older ones were seen.
    await send(LoanStateRecordedV1, loanId, [state(2, '100.00')]);
    await waitFor('the redelivered version 2 consumed', async () => {
      const [row] = await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbox WHERE handler = 'ledger.loan-positions'`,
      );
      return (row?.n ?? 0) >= 5 ? true : undefined;
    });
    expect(await position()).toEqual({ version: 3, principal: '600.00' });
  });

  it('a repayment the ledger has not posted yet is a break with both figures, until it is posted', async () => {
    const run = await runToEnd();
    expect(run).toMatchObject({ status: 'completed', ok: false, breaks: 1 });
    expect(run.report.loans.breaks).toEqual([
      expect.objectContaining({
        loanId,
        component: 'principal',
        currency: 'CNY',
        repayment: '600.00',
        ledger: '1000.00',
        difference: '400.00',
        positionVersion: 3,
      }),
    ]);
    // The CLI follows a run to its end and exits 1 on the break.
    const cli = await runCli(['reconcile'], {
      LEDGER_URL: ledger.baseUrl,
      OPERATOR_API_KEY: testKeys.operator,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/reconciliation run \d+ started/);
    expect(cli.stdout).toContain(
      `${loanId} principal: repayment 600.00 CNY (position v3), ledger 1000.00`,
    );
    expect(cli.stdout).toContain('BREAKS FOUND');

    await send(RepaymentAllocatedV1, loanId, [
      {
        repaymentId: `R-${suffix}`,
        lineId: null,
        loanId,
        customerId,
        amount: cny('400.00'),
        allocation: allocationOf({ principal: '400.00' }),
        receivedAt: new Date().toISOString(),
      },
    ]);
    await waitFor('the repayment posted', async () =>
      (await principalBalance()) === '600.00' ? true : undefined,
    );
    expect(await runToEnd()).toMatchObject({ status: 'completed', ok: true });
    const json = await runCli(['reconcile', '--json'], {
      LEDGER_URL: ledger.baseUrl,
      OPERATOR_API_KEY: testKeys.operator,
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, loans: { checked: 1 } });
  });

  it('a loan account with a balance but no position is a break; the daily run records it and runs the day again', async () => {
    const orphan = `L-ORPHAN-${suffix}`;
    const posted = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: `orphan-${suffix}`,
      body: {
        description: 'a loan the repayment service never announced',
        lines: [
          {
            account: `assets:loans:principal:${orphan}`,
            side: 'debit',
            amount: '75.00',
            currency: 'CNY',
          },
          { account: 'assets:bank:settlement', side: 'credit', amount: '75.00', currency: 'CNY' },
        ],
      },
    });
    expect(posted.status).toBe(201);
    const run = await runToEnd();
    expect(run).toMatchObject({ ok: false, breaks: 1 });
    expect(run.report.loans.breaks).toEqual([
      expect.objectContaining({
        loanId: orphan,
        component: 'principal',
        repayment: '0.00',
        ledger: '75.00',
        difference: '75.00',
        positionVersion: null,
        positionUpdatedAt: null,
      }),
    ]);

    const daily = ledger.app.get(DailyReconciliation);
    const now = new Date();
    await daily.check(now);
    await daily.check(now);
    const runs = (await ledger.request('GET', '/v1/reconciliation/runs')).body.runs as {
      trigger: string;
      businessDate: string;
      status: string;
      ok: boolean;
    }[];
    const today = now.toISOString().slice(0, 10);
    const dailyRuns = runs.filter((r) => r.trigger === 'daily' && r.businessDate === today);
    expect(dailyRuns).toEqual([
      expect.objectContaining({ status: 'completed', ok: false }),
      expect.objectContaining({ status: 'completed', ok: false }),
    ]);
  });

  it('a run left running by a stopped instance is reported failed; bad requests name the problem', async () => {
    const [stale] = await ledger.dataSource.query<{ id: string }[]>(
      `INSERT INTO reconciliation_runs (business_date, trigger, status, heartbeat_at)
       VALUES (current_date, 'operator', 'running', now() - interval '1 hour') RETURNING id::text`,
    );
    const run = await ledger.request('GET', `/v1/reconciliation/runs/${stale?.id ?? ''}`);
    expect(run.body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted/),
    });
    expect((await ledger.request('GET', '/v1/reconciliation/runs/999999999')).status).toBe(404);
    expect((await ledger.request('GET', '/v1/reconciliation/runs/x')).status).toBe(404);
    const unkeyed = await ledger.request('POST', '/v1/reconciliation/runs');
    expect(unkeyed.status).toBe(400);
    const customer = await ledger.request('POST', '/v1/reconciliation/runs', {
      idempotencyKey: `rec-customer-${suffix}`,
      role: 'customer',
    });
    expect(customer.status).toBe(403);
  });
});
