import { type LedgerHarness, startLedger } from './harness';

const line = (account: string, side: 'debit' | 'credit', amount: string) => ({
  account,
  side,
  amount,
  currency: 'CNY',
});
const transfer = (amount: string, debit = 'assets:bank:settlement', credit = 'equity:capital') => [
  line(debit, 'debit', amount),
  line(credit, 'credit', amount),
];

/** An asset account that may not go below zero: crediting it while empty is a limit breach. */
const Capped = 'assets:group-commit:capped';

describe('group commit of concurrent postings', () => {
  let ledger: LedgerHarness;

  const post = (key: string, lines: ReturnType<typeof line>[], description = 'group commit') =>
    ledger.request('POST', '/v1/entries', { idempotencyKey: key, body: { description, lines } });
  /** How many transactions committed the entries of these keys (entries of one group share xmin). */
  const transactionsOf = async (keys: readonly string[]) => {
    const [row] = await ledger.dataSource.query<{ n: number }[]>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM journal_entries WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    return row?.n;
  };
  const entriesOf = async (keys: readonly string[]) => {
    const [row] = await ledger.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    return row?.n;
  };

  beforeAll(async () => {
    // Groups close only by time (a second, far longer than sending a test's requests takes),
    // one at a time, behind a queue of twelve entries: requests sent together surely share a
    // group, and a burst surely finds the queue full.
    ledger = await startLedger('credit_test_ledger_group_commit', {
      LEDGER_GROUP_COMMIT_WINDOW_MS: '1000',
      LEDGER_GROUP_COMMIT_MAX_ENTRIES: '500',
      LEDGER_GROUP_COMMIT_QUEUE_MAX_ENTRIES: '12',
      LEDGER_GROUP_COMMIT_CONCURRENCY_MAX: '1',
    });
    await ledger.dataSource.query(
      `INSERT INTO accounts (id, name, type, normal_side, currency, min_balance, created_by)
       VALUES ($1, 'capped test account', 'asset', 'debit', 'CNY', 0, 'system:test')`,
      [Capped],
    );
    await ledger.dataSource.query(
      `INSERT INTO balances (account_id, currency) VALUES ($1, 'CNY')`,
      [Capped],
    );
  });

  afterAll(async () => {
    await ledger.close();
  });

  it('commits concurrent postings in one transaction and answers each with its own entry', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `gc-together-${i}`);
    const answers = await Promise.all(keys.map((key, i) => post(key, transfer(`${i + 1}.00`))));
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 201));
    expect(answers.map((a) => a.body.idempotencyKey)).toEqual(keys);
    expect(answers.map((a) => a.body.lines[0].amount)).toEqual(keys.map((_, i) => `${i + 1}.00`));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(keys.length);
    expect(await transactionsOf(keys)).toBe(1);
    // The answer is what GET reads back.
    const first = answers[0]?.body as { id: string };
    expect((await ledger.request('GET', `/v1/entries/${first.id}`)).body).toEqual(first);
  });

  it('one bad posting among good ones rejects only itself, with its own 4xx', async () => {
    await post('gc-mixed-conflict', transfer('7.00'));
    const good = Array.from({ length: 6 }, (_, i) => `gc-mixed-good-${i}`);
    const [limit, unknown, conflict, ...answers] = await Promise.all([
      post('gc-mixed-limit', transfer('5.00', 'assets:bank:settlement', Capped)),
      post('gc-mixed-unknown', transfer('5.00', 'assets:no-such:account')),
      post('gc-mixed-conflict', transfer('8.00')),
      ...good.map((key) => post(key, transfer('1.00'))),
    ]);
    expect(limit?.status).toBe(422);
    expect(limit?.body.error).toMatchObject({ code: 'LEDGER.INSUFFICIENT_FUNDS', account: Capped });
    expect(unknown?.status).toBe(400);
    expect(unknown?.body.error.code).toBe('LEDGER.UNKNOWN_ACCOUNT');
    expect(conflict?.status).toBe(409);
    expect(conflict?.body.error.code).toBe('LEDGER.IDEMPOTENCY_CONFLICT');
    expect(answers.map((a) => a.status)).toEqual(good.map(() => 201));
    expect(await entriesOf(good)).toBe(good.length);
    expect(await entriesOf(['gc-mixed-limit', 'gc-mixed-unknown'])).toBe(0);
  });

  it('answers a replay inside a group with the original entry (200, Idempotent-Replayed)', async () => {
    const original = await post('gc-replay', transfer('3.00'));
    expect(original.status).toBe(201);
    const [replay, ...others] = await Promise.all([
      post('gc-replay', transfer('3.00')),
      post('gc-replay-other-1', transfer('1.00')),
      post('gc-replay-other-2', transfer('1.00')),
    ]);
    expect(replay?.status).toBe(200);
    expect(replay?.headers.get('idempotent-replayed')).toBe('true');
    expect(replay?.body).toEqual(original.body);
    expect(others.map((a) => a.status)).toEqual([201, 201]);
    expect(await entriesOf(['gc-replay'])).toBe(1);
  });

  it('two postings of one key sent together: one entry; the same content is a replay, other content a 409', async () => {
    const [first, second, same, different] = await Promise.all([
      post('gc-twice-same', transfer('2.00')),
      post('gc-twice-same', transfer('2.00')),
      post('gc-twice-other', transfer('2.00')),
      post('gc-twice-other', transfer('9.00')),
    ]);
    expect([first?.status, second?.status].sort()).toEqual([200, 201]);
    expect(first?.body.id).toBe(second?.body.id);
    expect([same?.status, different?.status]).toEqual([201, 409]);
    expect(await entriesOf(['gc-twice-same', 'gc-twice-other'])).toBe(2);
  });

  it('refuses postings beyond the queue with 503 LEDGER.BUSY and Retry-After, and posts the rest', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `gc-burst-${i}`);
    const answers = await Promise.all(keys.map((key) => post(key, transfer('1.00'))));
    const busy = answers.filter((a) => a.status === 503);
    const posted = keys.filter((_, i) => answers[i]?.status === 201);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.length + posted.length).toBe(keys.length);
    expect(busy[0]?.headers.get('retry-after')).toBe('1');
    expect(busy[0]?.body.error.code).toBe('LEDGER.BUSY');
    expect(await entriesOf(keys)).toBe(posted.length);
    // Balances still equal the sum of their lines.
    const [drift] = await ledger.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM balances b
        WHERE b.posted_debits - b.posted_credits <>
              (SELECT coalesce(sum(CASE l.side WHEN 'debit' THEN l.amount ELSE -l.amount END), 0)
                 FROM journal_lines l WHERE l.account_id = b.account_id AND l.currency = b.currency)`,
    );
    expect(drift?.n).toBe(0);
  });
});
