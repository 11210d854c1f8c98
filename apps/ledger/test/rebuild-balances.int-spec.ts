import { type LedgerHarness, runCli, startLedger, testKeys } from './harness';

const line = (account: string, side: 'debit' | 'credit', amount: string) => ({
  account,
  side,
  amount,
  currency: 'CNY',
});

describe('rebuild balances from the journal: a corrupted balance row is found, reported and fixed', () => {
  let ledger: LedgerHarness;

  const rebuild = (key: string, body: unknown, role: 'admin' | 'operator' = 'admin') =>
    ledger.request('POST', '/v1/admin/ledger/rebuild-balances', {
      idempotencyKey: key,
      body,
      role,
    });
  /** Everything the rebuild could touch, to show a dry run leaves it as it was. */
  const snapshot = async () => {
    const [counts] = await ledger.dataSource.query<
      { entries: number; lines: number; holds: number; balances: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM journal_entries) AS entries,
              (SELECT count(*)::int FROM journal_lines) AS lines,
              (SELECT count(*)::int FROM holds) AS holds,
              (SELECT count(*)::int FROM balances) AS balances`,
    );
    const balances = await ledger.dataSource.query<unknown[]>(
      `SELECT account_id, currency, posted_debits::text, posted_credits::text, pending_debits::text,
              pending_credits::text, line_count::text, updated_at
         FROM balances ORDER BY account_id, currency`,
    );
    return { counts, balances };
  };
  const auditRows = () =>
    ledger.dataSource.query<
      {
        idempotency_key: string;
        actor: string;
        dry_run: boolean;
        status: string;
        result: Record<string, unknown> | null;
      }[]
    >(
      `SELECT idempotency_key, actor, dry_run, status, result FROM admin_actions
        WHERE action = 'ledger.rebuild-balances' ORDER BY started_at, id`,
    );

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_rebuild');
    const entries = [
      [
        line('assets:bank:settlement', 'debit', '100000.00'),
        line('equity:capital', 'credit', '100000.00'),
      ],
      [
        line('assets:loans:principal:L-R1', 'debit', '2500.00'),
        line('assets:bank:settlement', 'credit', '2500.00'),
      ],
      [
        line('assets:bank:settlement', 'debit', '300.50'),
        line('assets:loans:principal:L-R1', 'credit', '300.50'),
      ],
    ];
    for (const [index, lines] of entries.entries()) {
      const response = await ledger.request('POST', '/v1/entries', {
        idempotencyKey: `rebuild-seed-${index}`,
        body: { description: `seed ${index}`, lines },
      });
      expect(response.status).toBe(201);
    }
    // A pending hold: its reserved amount is in the balance rows and must not count as a difference.
    const hold = await ledger.request('POST', '/v1/holds', {
      idempotencyKey: 'rebuild-hold-1',
      body: {
        debitAccount: 'assets:suspense',
        creditAccount: 'assets:bank:settlement',
        amount: '40.00',
        currency: 'CNY',
        description: 'reserve',
      },
    });
    expect(hold.status).toBe(201);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('finds no difference in a book kept by the posting engine, holds included', async () => {
    const response = await rebuild('rebuild-clean-dry-run', { apply: false });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'succeeded',
      dryRun: true,
      replayed: false,
      differenceCount: 0,
      differences: [],
      applied: false,
      remaining: 0,
    });
    const [{ n }] = await ledger.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM balances`,
    );
    expect(response.body.accountsChecked).toBe(n);
  });

  describe('after a fault overwrites the bank balance row', () => {
    let dryRun: Awaited<ReturnType<typeof rebuild>>;

    beforeAll(async () => {
      // The projection drifts (as a lost update or a bad manual fix would); the journal does not.
      await ledger.dataSource.query(
        `UPDATE balances SET posted_debits = posted_debits + 1000, line_count = line_count - 1
          WHERE account_id = 'assets:bank:settlement' AND currency = 'CNY'`,
      );
    });

    it('a dry run reports exactly that difference and writes nothing but its audit row', async () => {
      const before = await snapshot();
      dryRun = await rebuild('rebuild-dry-run-1', { apply: false });
      expect(dryRun.status).toBe(200);
      expect(dryRun.headers.get('idempotent-replayed')).toBe('false');
      expect(dryRun.body).toMatchObject({
        actionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'succeeded',
        dryRun: true,
        differenceCount: 1,
        differencesTruncated: false,
        applied: false,
        remaining: 1,
      });
      expect(dryRun.body.differences).toEqual([
        {
          account: 'assets:bank:settlement',
          currency: 'CNY',
          stored: {
            postedDebits: '101300.50',
            postedCredits: '2500.00',
            pendingDebits: '0.00',
            pendingCredits: '40.00',
            lineCount: 2,
          },
          recomputed: {
            postedDebits: '100300.50',
            postedCredits: '2500.00',
            pendingDebits: '0.00',
            pendingCredits: '40.00',
            lineCount: 3,
          },
          difference: {
            postedDebits: '-1000.00',
            postedCredits: '0.00',
            pendingDebits: '0.00',
            pendingCredits: '0.00',
            lineCount: 1,
          },
          fields: ['postedDebits', 'lineCount'],
        },
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('the same Idempotency-Key answers the first report without recomputing', async () => {
      // Change the book under it: a recomputation would now report two rows.
      await ledger.dataSource.query(
        `UPDATE balances SET posted_credits = posted_credits + 7 WHERE account_id = 'equity:capital'`,
      );
      const again = await rebuild('rebuild-dry-run-1', { apply: false });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual({ ...dryRun.body, replayed: true });
      await ledger.dataSource.query(
        `UPDATE balances SET posted_credits = posted_credits - 7 WHERE account_id = 'equity:capital'`,
      );
    });

    it('the same key for an apply is a conflict, not a silent dry-run answer', async () => {
      const conflict = await rebuild('rebuild-dry-run-1', { apply: true });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('ADMIN.IDEMPOTENCY_CONFLICT');
    });

    it('an operator key is refused with 403 and nothing is recorded', async () => {
      const before = (await auditRows()).length;
      const refused = await rebuild('rebuild-operator', { apply: true }, 'operator');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTH.FORBIDDEN');
      expect((await auditRows()).length).toBe(before);
    });

    it('a body whose apply is not a boolean is refused with 400 naming the field', async () => {
      for (const body of [{ apply: 'yes' }, { apply: 1 }, { apply: null, extra: true }]) {
        const refused = await rebuild(`rebuild-bad-body-${JSON.stringify(body).length}`, body);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('VALIDATION.FAILED');
        expect(refused.body.error.message).toMatch(/apply|extra/);
      }
      const notBoolean = await rebuild('rebuild-bad-body-string', { apply: 'true' });
      expect(notBoolean.body.error.fields).toEqual([
        { field: 'apply', problems: ['apply must be a boolean (true or false)'] },
      ]);
      const noKey = await ledger.request('POST', '/v1/admin/ledger/rebuild-balances', {
        body: { apply: false },
        role: 'admin',
      });
      expect(noKey.status).toBe(400);
      expect(noKey.body.error.fields[0].field).toBe('Idempotency-Key');
    });

    it('apply writes the recomputed figures; a second dry run finds nothing', async () => {
      const applied = await rebuild('rebuild-apply-1', { apply: true });
      expect(applied.status).toBe(200);
      expect(applied.body).toMatchObject({
        status: 'succeeded',
        dryRun: false,
        differenceCount: 1,
        applied: true,
        remaining: 0,
      });
      expect(applied.body.differences).toEqual(dryRun.body.differences);

      const [bank] = await ledger.dataSource.query<
        {
          posted_debits: string;
          posted_credits: string;
          pending_credits: string;
          line_count: string;
        }[]
      >(
        `SELECT posted_debits::text, posted_credits::text, pending_credits::text, line_count::text
           FROM balances WHERE account_id = 'assets:bank:settlement'`,
      );
      expect(bank).toEqual({
        posted_debits: '100300.50',
        posted_credits: '2500.00',
        pending_credits: '40.00',
        line_count: '3',
      });
      const balance = await ledger.request('GET', '/v1/accounts/assets:bank:settlement/balance');
      expect(balance.body.balance).toBe('97800.50');

      const after = await rebuild('rebuild-dry-run-2', { apply: false });
      expect(after.body).toMatchObject({ differenceCount: 0, differences: [], remaining: 0 });
    });

    it('every run is on the audit trail: who, dry run or not, and the counts', async () => {
      const rows = await auditRows();
      expect(
        rows.map((row) => ({
          key: row.idempotency_key,
          dryRun: row.dry_run,
          status: row.status,
          differenceCount: row.result?.differenceCount,
          applied: row.result?.applied,
        })),
      ).toEqual([
        {
          key: 'rebuild-clean-dry-run',
          dryRun: true,
          status: 'succeeded',
          differenceCount: 0,
          applied: false,
        },
        {
          key: 'rebuild-dry-run-1',
          dryRun: true,
          status: 'succeeded',
          differenceCount: 1,
          applied: false,
        },
        {
          key: 'rebuild-apply-1',
          dryRun: false,
          status: 'succeeded',
          differenceCount: 1,
          applied: true,
        },
        {
          key: 'rebuild-dry-run-2',
          dryRun: true,
          status: 'succeeded',
          differenceCount: 0,
          applied: false,
        },
      ]);
      expect(new Set(rows.map((row) => row.actor))).toEqual(new Set(['admin:bootstrap:env-admin']));
    });
  });

  describe('rows lost or raced', () => {
    it('a balances row deleted by a fault is reported with stored null and inserted by apply', async () => {
      await ledger.dataSource.query(
        `DELETE FROM balances WHERE account_id = 'assets:loans:principal:L-R1'`,
      );
      const dry = await rebuild('rebuild-missing-dry-run', { apply: false });
      expect(dry.body.differences).toEqual([
        expect.objectContaining({
          account: 'assets:loans:principal:L-R1',
          stored: null,
          recomputed: expect.objectContaining({
            postedDebits: '2500.00',
            postedCredits: '300.50',
            lineCount: 2,
          }),
        }),
      ]);
      const applied = await rebuild('rebuild-missing-apply', { apply: true });
      expect(applied.body).toMatchObject({ applied: true, remaining: 0 });
      const balance = await ledger.request(
        'GET',
        '/v1/accounts/assets:loans:principal:L-R1/balance',
      );
      expect(balance.body.balance).toBe('2199.50');
    });

    it('an apply racing with postings loses none of them', async () => {
      await ledger.dataSource.query(
        `UPDATE balances SET posted_credits = posted_credits + 5 WHERE account_id = 'equity:capital'`,
      );
      const postings = Array.from({ length: 20 }, (_, index) =>
        ledger.request('POST', '/v1/entries', {
          idempotencyKey: `rebuild-race-${index}`,
          body: {
            description: `race ${index}`,
            lines: [
              line('assets:bank:settlement', 'debit', '1.00'),
              line('equity:capital', 'credit', '1.00'),
            ],
          },
        }),
      );
      const [applied, ...posted] = await Promise.all([
        rebuild('rebuild-race-apply', { apply: true }),
        ...postings,
      ]);
      expect(posted.map((response) => response.status)).toEqual(posted.map(() => 201));
      expect(applied?.body).toMatchObject({ status: 'succeeded', remaining: 0 });
      const after = await rebuild('rebuild-race-dry-run', { apply: false });
      expect(after.body).toMatchObject({ differenceCount: 0, remaining: 0 });
      const capital = await ledger.request('GET', '/v1/accounts/equity:capital/balance');
      expect(capital.body.balance).toBe('-100020.00');
    });
  });

  describe('the CLI', () => {
    const env = () => ({ LEDGER_URL: ledger.baseUrl, ADMIN_API_KEY: testKeys.admin });

    it('reports a difference and exits 1 on a dry run, fixes it and exits 0 with --apply', async () => {
      await ledger.dataSource.query(
        `UPDATE balances SET posted_credits = posted_credits + 12.34
          WHERE account_id = 'assets:loans:principal:L-R1'`,
      );
      const dry = await runCli(['ledger', 'rebuild-balances'], env());
      expect(dry.stdout).toContain('1 difference');
      expect(dry.stdout).toContain('assets:loans:principal:L-R1 CNY');
      expect(dry.stdout).toMatch(
        /postedCredits\s+stored 312\.84\s+recomputed 300\.50\s+difference -12\.34/,
      );
      expect(dry.stdout).toContain('not applied');
      expect(dry.code).toBe(1);

      const apply = await runCli(['ledger', 'rebuild-balances', '--apply', '--json'], env());
      const report = JSON.parse(apply.stdout) as { applied: boolean; remaining: number };
      expect(report).toMatchObject({ applied: true, remaining: 0, dryRun: false });
      expect(apply.code).toBe(0);

      const clean = await runCli(['ledger', 'rebuild-balances'], env());
      expect(clean.stdout).toContain('0 differences');
      expect(clean.code).toBe(0);
    });

    it('exits 1 when the ledger refuses the key', async () => {
      const refused = await runCli(['ledger', 'rebuild-balances'], {
        ...env(),
        ADMIN_API_KEY: testKeys.operator,
      });
      expect(refused.stdout).toContain('answered 403');
      expect(refused.code).toBe(1);
    });
  });
});
