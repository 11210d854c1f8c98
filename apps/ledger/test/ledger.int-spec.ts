import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  InterestAccruedV1,
  LoanDisbursedV1,
  RepaymentAllocatedV1,
  Topics,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import {
  allocationOf,
  cashLoanDisbursed,
  cashLoanPricing,
  cny,
  loanTerms,
  purchasePricing,
  testKafka,
  waitFor,
} from '@credit/testing';
import { type LedgerHarness, startLedger } from './harness';
import { AccountDirectory } from '../src/infrastructure/account-directory';

const line = (account: string, side: 'debit' | 'credit', amount: string) => ({
  account,
  side,
  amount,
  currency: 'CNY',
});

describe('ledger service on real PostgreSQL and Kafka', () => {
  let ledger: LedgerHarness;

  const post = (key: string, description: string, lines: ReturnType<typeof line>[]) =>
    ledger.request('POST', '/v1/entries', { idempotencyKey: key, body: { description, lines } });
  const balanceOf = async (account: string) =>
    (await ledger.request('GET', `/v1/accounts/${account}/balance`)).body as {
      balance: string;
      pendingDebits: string;
      pendingCredits: string;
      availableToDebit: string | null;
      availableToCredit: string | null;
    };
  const counts = async () => {
    const [row] = await ledger.dataSource.query<
      { entries: number; lines: number; holds: number; outbox: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM journal_entries) AS entries, (SELECT count(*)::int FROM journal_lines) AS lines,
              (SELECT count(*)::int FROM holds) AS holds, (SELECT count(*)::int FROM outbox) AS outbox`,
    );
    const balances = await ledger.dataSource.query(`SELECT * FROM balances ORDER BY account_id`);
    return { ...row, balances };
  };

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger');
    const funded = await post('seed-capital', 'Paid-in capital', [
      line('assets:bank:settlement', 'debit', '1000000.00'),
      line('equity:capital', 'credit', '1000000.00'),
    ]);
    expect(funded.status).toBe(201);
  });

  afterAll(async () => {
    await ledger.close();
  });

  describe('the database keeps the journal immutable and balanced, whoever asks', () => {
    it('refuses UPDATE, DELETE and TRUNCATE on journal tables even for a superuser', async () => {
      for (const statement of [
        `UPDATE journal_lines SET amount = amount + 1`,
        `DELETE FROM journal_lines`,
        `UPDATE journal_entries SET description = 'tampered'`,
        `DELETE FROM journal_entries`,
        `TRUNCATE journal_lines CASCADE`,
        `TRUNCATE journal_entries CASCADE`,
      ]) {
        await expect(ledger.asSuperuser((client) => client.query(statement))).rejects.toThrow(
          /append-only/,
        );
      }
    });

    it('refuses to commit a raw unbalanced INSERT', async () => {
      const id = randomUUID();
      await expect(
        ledger.dataSource.transaction(async (manager) => {
          await manager.query(
            `INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description, actor)
             VALUES ($1, $2, 'x', now(), now(), 'raw unbalanced', 'system:test')`,
            [id, `raw-${id}`],
          );
          await manager.query(
            `INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
             VALUES ($1, 1, 'assets:bank:settlement', 'debit', 10, 'CNY', 0, now(), 0),
                    ($1, 2, 'equity:capital', 'credit', 9, 'CNY', 0, now(), 0)`,
            [id],
          );
        }),
      ).rejects.toThrow(/unbalanced in CNY/);
      expect(
        await ledger.dataSource.query(`SELECT id FROM journal_entries WHERE id = $1`, [id]),
      ).toEqual([]);
    });

    it('refuses a raw entry with a single line, and lines added to an already committed entry', async () => {
      const id = randomUUID();
      await expect(
        ledger.dataSource.transaction(async (manager) => {
          await manager.query(
            `INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description, actor)
             VALUES ($1, $2, 'x', now(), now(), 'raw lonely', 'system:test')`,
            [id, `raw-${id}`],
          );
        }),
      ).rejects.toThrow(/needs at least two/);
      const [committed] = await ledger.dataSource.query<{ id: string }[]>(
        `SELECT id FROM journal_entries LIMIT 1`,
      );
      await expect(
        ledger.dataSource.query(
          `INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
           VALUES ($1, 90, 'assets:bank:settlement', 'debit', 5, 'CNY', 0, now(), 0),
                  ($1, 91, 'equity:capital', 'credit', 5, 'CNY', 0, now(), 0)`,
          [committed?.id],
        ),
      ).rejects.toThrow(/already committed/);
    });
  });

  describe('idempotency by caller key, kept forever', () => {
    it('returns the original entry for the same key and content, and 409 for other content, changing nothing', async () => {
      const lines = [
        line('assets:bank:settlement', 'debit', '10.00'),
        line('income:interest', 'credit', '10.00'),
      ];
      const first = await post('idem-1', 'Interest received', lines);
      const before = await counts();
      const again = await post('idem-1', 'Interest received', lines);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      const conflict = await post('idem-1', 'Interest received', [
        line('assets:bank:settlement', 'debit', '11.00'),
        line('income:interest', 'credit', '11.00'),
      ]);
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('LEDGER.IDEMPOTENCY_CONFLICT');
      expect(await counts()).toEqual(before);
    });

    it('requires the Idempotency-Key header on a single entry', async () => {
      const response = await ledger.request('POST', '/v1/entries', {
        body: {
          description: 'x',
          lines: [
            line('assets:bank:settlement', 'debit', '1.00'),
            line('equity:capital', 'credit', '1.00'),
          ],
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([
        { field: 'Idempotency-Key', problems: ['header is required'] },
      ]);
    });
  });

  describe('limits', () => {
    it('a limit breach rejects the whole entry and writes nothing', async () => {
      const before = await counts();
      const response = await post('overdraw-loan', 'Repay a loan that was never lent', [
        line('assets:bank:settlement', 'debit', '50.00'),
        line('assets:loans:principal:L-NEVER', 'credit', '50.00'),
      ]);
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('LEDGER.INSUFFICIENT_FUNDS');
      expect(await counts()).toEqual(before);
    });

    it('a credit limit caps the account, counting holds', async () => {
      const created = await ledger.request('POST', '/v1/accounts', {
        role: 'admin',
        body: {
          id: 'assets:credit-line-drawn:C-1',
          name: 'Drawn on line C-1',
          type: 'asset',
          currency: 'CNY',
          minBalance: '0',
          maxBalance: '1000.00',
        },
      });
      expect(created.status).toBe(201);
      await ledger.request('POST', '/v1/accounts', {
        role: 'admin',
        body: {
          id: 'liabilities:credit-line-commitment:C-1',
          name: 'Commitment C-1',
          type: 'liability',
          currency: 'CNY',
        },
      });
      const hold = await ledger.request('POST', '/v1/holds', {
        idempotencyKey: 'limit-hold-1',
        body: {
          debitAccount: 'assets:credit-line-drawn:C-1',
          creditAccount: 'liabilities:credit-line-commitment:C-1',
          amount: '800.00',
          currency: 'CNY',
          description: 'reserve',
        },
      });
      expect(hold.status).toBe(201);
      expect((await balanceOf('assets:credit-line-drawn:C-1')).availableToDebit).toBe('200.00');
      const tooMuch = await post('limit-draw-1', 'Draw beyond the limit', [
        line('assets:credit-line-drawn:C-1', 'debit', '300.00'),
        line('liabilities:credit-line-commitment:C-1', 'credit', '300.00'),
      ]);
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error.code).toBe('LEDGER.LIMIT_EXCEEDED');
      const voided = await ledger.request('POST', `/v1/holds/${hold.body.id}/void`, {
        idempotencyKey: 'limit-hold-1-void',
        body: {},
      });
      expect(voided.body.status).toBe('voided');
      expect((await balanceOf('assets:credit-line-drawn:C-1')).availableToDebit).toBe('1000.00');
    });
  });

  describe('holds (two-phase)', () => {
    const reserve = (key: string, amount: string, extra: Record<string, unknown> = {}) =>
      ledger.request('POST', '/v1/holds', {
        idempotencyKey: key,
        body: {
          debitAccount: 'assets:receivable:fee:H-1',
          creditAccount: 'income:installment-fee',
          amount,
          currency: 'CNY',
          description: 'fee hold',
          ...extra,
        },
      });

    it('posts part of a hold, releases the rest, and then refuses every second transition', async () => {
      const hold = (await reserve('hold-a', '100.00')).body;
      expect((await balanceOf('assets:receivable:fee:H-1')).pendingDebits).toBe('100.00');
      const over = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-a-post-over',
        body: { amount: '100.01' },
      });
      expect(over.status).toBe(422);
      expect(over.body.error.code).toBe('LEDGER.HOLD_AMOUNT_EXCEEDED');
      const posted = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-a-post',
        body: { amount: '40.00' },
      });
      expect(posted.status).toBe(200);
      expect(posted.body).toMatchObject({ status: 'posted', postedAmount: '40.00' });
      const afterPost = await balanceOf('assets:receivable:fee:H-1');
      expect(afterPost).toMatchObject({ balance: '40.00', pendingDebits: '0.00' });
      const replay = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-a-post',
        body: { amount: '40.00' },
      });
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const voidAfterPost = await ledger.request('POST', `/v1/holds/${hold.id}/void`, {
        idempotencyKey: 'hold-a-void',
        body: {},
      });
      expect(voidAfterPost.body.error.code).toBe('LEDGER.HOLD_ALREADY_POSTED');
      const postAgain = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-a-post-2',
        body: {},
      });
      expect(postAgain.body.error.code).toBe('LEDGER.HOLD_ALREADY_POSTED');
    });

    it('refuses posting after a void and a second void', async () => {
      const hold = (await reserve('hold-b', '25.00')).body;
      expect(
        (
          await ledger.request('POST', `/v1/holds/${hold.id}/void`, {
            idempotencyKey: 'hold-b-void',
            body: { reason: 'cancelled' },
          })
        ).status,
      ).toBe(200);
      const postAfterVoid = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-b-post',
        body: {},
      });
      expect(postAfterVoid.status).toBe(409);
      expect(postAfterVoid.body.error.code).toBe('LEDGER.HOLD_ALREADY_VOIDED');
      const secondVoid = await ledger.request('POST', `/v1/holds/${hold.id}/void`, {
        idempotencyKey: 'hold-b-void-2',
        body: {},
      });
      expect(secondVoid.body.error.code).toBe('LEDGER.HOLD_ALREADY_VOIDED');
    });

    it('voids itself at expiry, after which posting is refused', async () => {
      const expiresAt = new Date(Date.now() + 1_500).toISOString();
      const hold = (await reserve('hold-c', '7.00', { expiresAt })).body;
      const expired = await waitFor('expiry', async () => {
        const current = (await ledger.request('GET', `/v1/holds/${hold.id}`)).body;
        return current.status === 'expired' ? current : undefined;
      });
      expect(expired.status).toBe('expired');
      const late = await ledger.request('POST', `/v1/holds/${hold.id}/post`, {
        idempotencyKey: 'hold-c-post',
        body: {},
      });
      expect(late.body.error.code).toBe('LEDGER.HOLD_EXPIRED');
      expect((await balanceOf('assets:receivable:fee:H-1')).pendingDebits).toBe('0.00');
    });
  });

  describe('reversals', () => {
    it('reverses an entry once; a second reversal is refused', async () => {
      const original = await post('rev-orig', 'Wrong posting', [
        line('assets:suspense', 'debit', '12.34'),
        line('assets:bank:settlement', 'credit', '12.34'),
      ]);
      const reversal = await ledger.request('POST', `/v1/entries/${original.body.id}/reversal`, {
        idempotencyKey: 'rev-1',
        body: { reason: 'wrong account' },
      });
      expect(reversal.status).toBe(201);
      expect(reversal.body.reversesEntryId).toBe(original.body.id);
      expect(reversal.body.lines.map((l: { side: string }) => l.side)).toEqual(['credit', 'debit']);
      expect((await balanceOf('assets:suspense')).balance).toBe('0.00');
      const again = await ledger.request('POST', `/v1/entries/${original.body.id}/reversal`, {
        idempotencyKey: 'rev-2',
        body: { reason: 'again' },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('LEDGER.ALREADY_REVERSED');
      const replay = await ledger.request('POST', `/v1/entries/${original.body.id}/reversal`, {
        idempotencyKey: 'rev-1',
        body: { reason: 'wrong account' },
      });
      expect(replay.status).toBe(200);
      expect(replay.body.id).toBe(reversal.body.id);
    });
  });

  describe('balances over time', () => {
    it('reads the balance as of a past time and pages a statement with its running balance', async () => {
      const account = 'assets:receivable:interest:S-1';
      const times: string[] = [];
      for (let i = 1; i <= 5; i++) {
        await post(`stmt-${i}`, `Accrual ${i}`, [
          line(account, 'debit', `${i}.00`),
          line('income:interest', 'credit', `${i}.00`),
        ]);
        times.push(new Date().toISOString());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(
        (await ledger.request('GET', `/v1/accounts/${account}/balance?asOf=${times[1]}`)).body
          .balance,
      ).toBe('3.00');
      expect((await balanceOf(account)).balance).toBe('15.00');
      const first = (await ledger.request('GET', `/v1/accounts/${account}/statement?limit=2`)).body;
      expect(first.openingBalance).toBe('0.00');
      expect(first.lines.map((l: { balance: string }) => l.balance)).toEqual(['1.00', '3.00']);
      const second = (
        await ledger.request(
          'GET',
          `/v1/accounts/${account}/statement?limit=2&cursor=${first.nextCursor}`,
        )
      ).body;
      expect(second.openingBalance).toBe('3.00');
      expect(second.lines.map((l: { balance: string }) => l.balance)).toEqual(['6.00', '10.00']);
      const bad = await ledger.request('GET', `/v1/accounts/${account}/balance?asOf=yesterday`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields[0].field).toBe('asOf');
    });
  });

  it('many concurrent postings on the same hot accounts end with exact balances and no error', async () => {
    const before = (await balanceOf('income:penalty')).balance;
    const count = 60;
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        post(`hot-${i}`, `Penalty ${i}`, [
          line(`assets:receivable:penalty:HOT-${i % 3}`, 'debit', '1.01'),
          line('income:penalty', 'credit', '1.01'),
        ]),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: count }, () => 201));
    expect(before).toBe('0.00');
    expect((await balanceOf('income:penalty')).balance).toBe('-60.60');
    expect((await balanceOf('assets:receivable:penalty:HOT-0')).balance).toBe('20.20');
  });

  it('an account created by a transaction that rolls back is not remembered: the next one creates it again', async () => {
    const directory = ledger.app.get(AccountDirectory);
    const id = `assets:receivable:interest:L-rollback-${Date.now()}`;
    await expect(
      ledger.dataSource.transaction(async (manager) => {
        await directory.resolve(manager, [id]); // creates it, uncommitted
        await directory.resolve(manager, [id]); // reads its own uncommitted row
        throw new Error('the group of events failed');
      }),
    ).rejects.toThrow('the group of events failed');
    await ledger.dataSource.transaction((manager) => directory.resolve(manager, [id]));
    const rows = await ledger.dataSource.query<{ n: number }[]>(
      `SELECT (SELECT count(*)::int FROM accounts WHERE id = $1) + (SELECT count(*)::int FROM balances WHERE account_id = $1) AS n`,
      [id],
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('the trial balance sums to zero per currency', async () => {
    const trial = (await ledger.request('GET', '/v1/trial-balance')).body;
    expect(trial.currencies).toEqual([
      expect.objectContaining({ currency: 'CNY', balanced: true }),
    ]);
    const net = trial.accounts.reduce(
      (sum: bigint, a: { balance: string }) => sum + BigInt(a.balance.replace('.', '')),
      0n,
    );
    expect(net).toBe(0n);
  });

  describe('posting business events from Kafka', () => {
    const writer = new OutboxWriter('test-producer');
    let kafka: Kafka;

    beforeAll(() => {
      kafka = testKafka('ledger-test');
    });

    it('turns each event into exactly one entry, even when the event is delivered twice', async () => {
      const suffix = randomUUID().slice(0, 8);
      const loanId = `L-${suffix}`;
      const [merchantId, customerId] = [`M-${suffix}`, `C-${suffix}`];
      const disbursed = writer.build({
        definition: LoanDisbursedV1,
        key: loanId,
        payload: {
          loanId,
          customerId,
          product: 'installment-purchase',
          principal: cny('1000.00'),
          merchantId,
          merchantFee: cny('25.00'),
          lineId: 'LINE-9',
          terms: loanTerms(purchasePricing(), '2026-11-25'),
          disbursedAt: new Date().toISOString(),
        },
      });
      const repaid = writer.build({
        definition: RepaymentAllocatedV1,
        key: loanId,
        payload: {
          repaymentId: 'R-1',
          lineId: null,
          loanId,
          customerId,
          amount: cny('400.00'),
          allocation: allocationOf({ principal: '333.33', overpayment: '66.67' }),
          receivedAt: new Date().toISOString(),
        },
      });
      expect(RepaymentAllocatedV1.topic).toBe(LoanDisbursedV1.topic);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: LoanDisbursedV1.topic,
        messages: [recordOf(disbursed), recordOf(disbursed)],
      });
      await producer.send({ topic: RepaymentAllocatedV1.topic, messages: [recordOf(repaid)] });
      await producer.disconnect();

      const entries = await waitFor('both events posted', async () => {
        const a = (await ledger.request('GET', `/v1/entries?sourceEventId=${disbursed.eventId}`))
          .body.entries;
        const b = (await ledger.request('GET', `/v1/entries?sourceEventId=${repaid.eventId}`)).body
          .entries;
        return a.length === 1 && b.length === 1 ? [a[0], b[0]] : undefined;
      });
      expect(entries[0].rule).toMatch(/^loan-disbursed-installment-purchase@v1$/);
      // Postings of events are the ledger's own writes, and so are the loan's sub-accounts.
      expect(entries.map((entry: { actor: string }) => entry.actor)).toEqual([
        'system:ledger',
        'system:ledger',
      ]);
      expect(
        (await ledger.request('GET', `/v1/accounts/assets:loans:principal:${loanId}`)).body
          .createdBy,
      ).toBe('system:ledger');
      expect((await balanceOf(`assets:loans:principal:${loanId}`)).balance).toBe('666.67');
      expect((await balanceOf(`liabilities:merchant-payable:${merchantId}`)).balance).toBe(
        '-975.00',
      );
      expect((await balanceOf(`liabilities:customer-credit:${customerId}`)).balance).toBe('-66.67');
      // The repayment was sent after both copies, on their topic and partition (same key): its
      // entry proves that the consumer has processed the second copy too.
      const rows = await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM journal_entries WHERE source_event_id = $1`,
        [disbursed.eventId],
      );
      expect(rows).toEqual([{ n: 1 }]);
      const posted = await ledger.dataSource.query<
        { event_type: string; causation: string; correlation: string }[]
      >(
        `SELECT event_type, envelope->>'causationId' AS causation, envelope->>'correlationId' AS correlation
           FROM outbox WHERE envelope->'payload'->>'sourceEventId' = $1`,
        [disbursed.eventId],
      );
      // Posted alone or with others in one engine call, the announcement names its own cause.
      expect(posted).toEqual([
        {
          event_type: 'ledger.entry.posted',
          causation: disbursed.eventId,
          correlation: disbursed.correlationId,
        },
      ]);
    });

    it("posts a loan's disbursement, accrual and repayment in the order they happened", async () => {
      // One loan's events share one topic and partition (keyed by loan id): the repayment, sent
      // right behind the interest it pays, can never overtake it, so it posts on the first try.
      const suffix = randomUUID().slice(0, 8);
      const loanId = `L-${suffix}`;
      const customerId = `C-${suffix}`;
      const disbursed = writer.build({
        definition: LoanDisbursedV1,
        key: loanId,
        payload: cashLoanDisbursed({
          loanId,
          customerId,
          principal: '1000.00',
          terms: loanTerms(cashLoanPricing(), '2026-11-25'),
        }),
      });
      const repaid = writer.build({
        definition: RepaymentAllocatedV1,
        key: loanId,
        payload: {
          repaymentId: `R-${suffix}`,
          lineId: null,
          loanId,
          customerId,
          amount: cny('105.00'),
          allocation: allocationOf({ interest: '5.00', principal: '100.00' }),
          receivedAt: new Date().toISOString(),
        },
      });
      const accrued = writer.build({
        definition: InterestAccruedV1,
        key: loanId,
        payload: { loanId, customerId, businessDate: '2026-12-05', amount: cny('5.00') },
      });
      const entriesOf = async (eventId: string) =>
        (await ledger.request('GET', `/v1/entries?sourceEventId=${eventId}`)).body
          .entries as unknown[];
      expect(
        new Set([LoanDisbursedV1.topic, InterestAccruedV1.topic, RepaymentAllocatedV1.topic]),
      ).toEqual(new Set([Topics.loanEvents]));
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: Topics.loanEvents,
        messages: [recordOf(disbursed), recordOf(accrued), recordOf(repaid)],
      });
      await producer.disconnect();
      await waitFor('the repayment posted after the accrual', async () =>
        (await entriesOf(repaid.eventId)).length === 1 ? true : undefined,
      );
      const [repaidEntry] = await ledger.dataSource.query<{ seq: string }[]>(
        `SELECT seq FROM journal_entries WHERE source_event_id = $1`,
        [repaid.eventId],
      );
      const [accruedEntry] = await ledger.dataSource.query<{ seq: string }[]>(
        `SELECT seq FROM journal_entries WHERE source_event_id = $1`,
        [accrued.eventId],
      );
      expect(BigInt(repaidEntry!.seq)).toBeGreaterThan(BigInt(accruedEntry!.seq));
      expect((await balanceOf(`assets:receivable:interest:${loanId}`)).balance).toBe('0.00');
      expect((await balanceOf(`assets:loans:principal:${loanId}`)).balance).toBe('900.00');
    });

    it('sends an event it cannot post to the DLQ with the reason, and posts nothing for it', async () => {
      const loanId = `L-${randomUUID().slice(0, 8)}`;
      const orphan = writer.build({
        definition: RepaymentAllocatedV1,
        key: loanId,
        payload: {
          repaymentId: 'R-orphan',
          lineId: null,
          loanId,
          customerId: 'C-9',
          amount: cny('10.00'),
          allocation: allocationOf({ principal: '10.00' }),
          receivedAt: new Date().toISOString(),
        },
      });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: RepaymentAllocatedV1.topic, messages: [recordOf(orphan)] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
      const dead: { eventId?: string; error?: string; attempts?: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({
        topics: [`${RepaymentAllocatedV1.topic}.dlq`],
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: ({ message }) => {
          dead.push({
            eventId: message.headers?.['event-id']?.toString(),
            error: message.headers?.['dlq-error']?.toString(),
            attempts: message.headers?.['dlq-attempts']?.toString(),
          });
          return Promise.resolve();
        },
      });
      const found = await waitFor('the dead letter', () =>
        Promise.resolve(dead.find((d) => d.eventId === orphan.eventId)),
      );
      await consumer.disconnect();
      expect(found.error).toMatch(
        /assets:loans:principal:L-.* would fall to -10\.00, below its minimum 0\.00/,
      );
      // A limit rejection is final: dead-lettered on the first attempt, without retries.
      expect(found.attempts).toBe('1');
      expect(
        (await ledger.request('GET', `/v1/entries?sourceEventId=${orphan.eventId}`)).body.entries,
      ).toEqual([]);
    });
  });
});
