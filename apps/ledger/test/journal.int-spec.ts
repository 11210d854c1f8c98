import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { Money } from '@credit/money';
import { ChainSequencer } from '../src/journal/chain-sequencer';
import { type LedgerHarness, hledgerBalances, runCli, startLedger, testKeys } from './harness';

const run = promisify(execFile);

type Side = 'debit' | 'credit';
interface Line {
  account: string;
  side: Side;
  amount: string;
  currency: string;
}
interface Draft {
  idempotencyKey: string;
  effectiveAt: string;
  description: string;
  metadata?: Record<string, unknown>;
  lines: Line[];
}

const cny = (units: bigint) => Money.fromMinorUnits(units, 'CNY').toString();
const line = (account: string, side: Side, units: bigint): Line => ({
  account,
  side,
  amount: cny(units),
  currency: 'CNY',
});

/** Deterministic pseudo-random integers (mulberry32): the same run every time. */
function generator(seed: number): (min: number, max: number) => bigint {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return BigInt(min + Math.floor(unit * (max - min + 1)));
  };
}

/**
 * Six instalment loans over four months: disbursal to a merchant, merchant payout, a fee,
 * monthly interest accrual and repayment, penalties, an overpayment and a write-off. Receivables
 * never go below zero. Descriptions carry the characters hledger and CSV treat specially.
 */
function generateRun(): Draft[] {
  const random = generator(20250115);
  const drafts: Draft[] = [];
  let n = 0;
  const add = (
    effectiveAt: string,
    description: string,
    lines: Line[],
    metadata?: Record<string, unknown>,
  ) => drafts.push({ idempotencyKey: `run-${++n}`, effectiveAt, description, lines, metadata });

  for (let loan = 1; loan <= 6; loan++) {
    const id = `L-${loan}`;
    const merchant = `liabilities:merchant-payable:M-${(loan % 3) + 1}`;
    const principal = random(100_000, 2_000_000); // 1,000.00 to 20,000.00
    let outstanding = principal;
    const day = String(loan + 2).padStart(2, '0');
    add(
      `2025-01-${day}T09:30:00+08:00`,
      `Disbursal of loan ${id}`,
      [
        line(`assets:loans:principal:${id}`, 'debit', principal),
        line(merchant, 'credit', principal),
      ],
      { loanId: id, kind: 'disbursal' },
    );
    add(`2025-01-${day}T16:00:00+08:00`, `Merchant payout for ${id}`, [
      line(merchant, 'debit', principal),
      line('assets:bank:settlement', 'credit', principal),
    ]);
    const fee = random(1_000, 9_999);
    add(
      `2025-01-${day}T16:00:01+08:00`,
      loan === 1 ? 'Installment fee; charged | upfront' : `Installment fee ${id}`,
      [
        line(`assets:receivable:fee:${id}`, 'debit', fee),
        line('income:installment-fee', 'credit', fee),
      ],
    );
    add(`2025-01-${day}T18:00:00+08:00`, `Fee collected ${id}`, [
      line('assets:bank:settlement', 'debit', fee),
      line(`assets:receivable:fee:${id}`, 'credit', fee),
    ]);
    for (let month = 2; month <= 5; month++) {
      const mm = String(month).padStart(2, '0');
      const interest = random(500, 30_000);
      add(
        `2025-${mm}-${day}T00:05:00+08:00`,
        loan === 2 && month === 3
          ? 'Interest accrual\n"March", second line'
          : `Interest ${id} ${mm}`,
        [
          line(`assets:receivable:interest:${id}`, 'debit', interest),
          line('income:interest', 'credit', interest),
        ],
      );
      const principalPart = outstanding / BigInt(7 - month);
      outstanding -= principalPart;
      add(`2025-${mm}-${day}T12:00:00+08:00`, `Repayment ${id} ${mm}`, [
        line('assets:bank:settlement', 'debit', interest + principalPart),
        line(`assets:receivable:interest:${id}`, 'credit', interest),
        line(`assets:loans:principal:${id}`, 'credit', principalPart),
      ]);
      if ((loan + month) % 4 === 0) {
        const penalty = random(100, 5_000);
        add(`2025-${mm}-${day}T23:00:00+08:00`, `* Late penalty ${id} (${mm})`, [
          line(`assets:receivable:penalty:${id}`, 'debit', penalty),
          line('income:penalty', 'credit', penalty),
        ]);
      }
    }
    if (loan === 5) {
      add('2025-05-31T20:00:00-05:00', `(write-off) loan ${id}`, [
        line('expense:credit-loss', 'debit', outstanding),
        line(`assets:loans:principal:${id}`, 'credit', outstanding),
      ]);
    } else if (loan === 6) {
      const extra = random(100, 20_000);
      add('2025-06-01T08:00:00Z', `Overpayment by customer C-${loan}`, [
        line('assets:bank:settlement', 'debit', extra),
        line(`liabilities:customer-credit:C-${loan}`, 'credit', extra),
      ]);
    }
  }
  return drafts;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');
  return records;
}

describe('journal: hash chain, verification and hledger/CSV export', () => {
  let ledger: LedgerHarness;
  let workDir: string;
  let sequencer: ChainSequencer;
  const drafts = generateRun();
  let reversedEntryId = '';
  let utcShiftedEntryId = '';

  const entryCount = async () =>
    (
      await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM journal_entries`,
      )
    )[0]?.n ?? 0;
  const lineCount = async () =>
    (
      await ledger.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM journal_lines`)
    )[0]?.n ?? 0;

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_journal');
    sequencer = ledger.app.get(ChainSequencer);
    workDir = await mkdtemp(path.join(tmpdir(), 'ledger-journal-'));

    const capital = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'seed-capital',
      body: {
        effectiveAt: '2025-01-01T00:00:00Z',
        description: 'Paid-in capital',
        metadata: { source: 'shareholders' },
        lines: [
          line('assets:bank:settlement', 'debit', 50_000_000n),
          line('equity:capital', 'credit', 50_000_000n),
        ],
      },
    });
    expect(capital.status).toBe(201);

    // The first few one by one with the Idempotency-Key header, the rest in atomic batches.
    for (const draft of drafts.slice(0, 5)) {
      const { idempotencyKey, ...body } = draft;
      const response = await ledger.request('POST', '/v1/entries', { idempotencyKey, body });
      expect(response.status).toBe(201);
    }
    const rest = drafts.slice(5);
    for (let i = 0; i < rest.length; i += 20) {
      const response = await ledger.request('POST', '/v1/entries', {
        body: { entries: rest.slice(i, i + 20) },
      });
      expect(response.status).toBe(201);
    }

    const [penalty] = await ledger.dataSource.query<{ id: string }[]>(
      `SELECT id FROM journal_entries WHERE description LIKE '* Late penalty L-2%' ORDER BY seq LIMIT 1`,
    );
    reversedEntryId = penalty?.id ?? '';
    const reversal = await ledger.request('POST', `/v1/entries/${reversedEntryId}/reversal`, {
      idempotencyKey: 'reverse-penalty-L-2',
      body: { reason: 'penalty waived' },
    });
    expect(reversal.status).toBe(201);

    const [shifted] = await ledger.dataSource.query<{ id: string }[]>(
      `SELECT id FROM journal_entries WHERE description = '(write-off) loan L-5'`,
    );
    utcShiftedEntryId = shifted?.id ?? '';
    await sequencer.chainPending();
  });

  afterAll(async () => {
    await ledger?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('hledger export: the books balance and agree with the ledger to the cent', () => {
    let journalFile: string;

    beforeAll(async () => {
      const response = await ledger.request('GET', '/v1/journal/export?format=hledger');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.headers.get('content-disposition')).toMatch(/filename="ledger\.journal"/);
      journalFile = path.join(workDir, 'ledger.journal');
      await writeFile(journalFile, response.body as string);
    });

    it('passes hledger check, including declared accounts and commodities', async () => {
      await expect(run('hledger', ['-f', journalFile, 'check'])).resolves.toBeDefined();
      await expect(
        run('hledger', ['-f', journalFile, 'check', 'accounts', 'commodities']),
      ).resolves.toBeDefined();
    });

    it('has one transaction per entry and one posting per line', async () => {
      const { stdout } = await run('hledger', ['-f', journalFile, 'register', '-O', 'csv']);
      const rows = parseCsv(stdout.replace(/\r?\n/g, '\r\n'));
      expect(rows.length - 1).toBe(await lineCount());
      expect(new Set(rows.slice(1).map((row) => row[0])).size).toBe(await entryCount());
    });

    it('reports every account balance equal to the balances table (debits - credits)', async () => {
      const fromHledger = await hledgerBalances(journalFile, 'CNY');

      const balances = await ledger.dataSource.query<
        { account_id: string; currency: string; posted_debits: string; posted_credits: string }[]
      >(`SELECT account_id, currency, posted_debits::text, posted_credits::text FROM balances`);
      const fromLedger = new Map<string, string>();
      for (const row of balances) {
        const net = Money.of(row.posted_debits, row.currency).subtract(
          Money.of(row.posted_credits, row.currency),
        );
        if (!net.isZero()) fromLedger.set(row.account_id, net.toString());
      }
      expect(fromLedger.size).toBeGreaterThan(15);
      expect(fromLedger.get('assets:loans:principal:L-5')).toBeUndefined(); // written off
      expect(fromHledger).toEqual(Object.fromEntries(fromLedger));
    });

    it('dates by the effective date in UTC and tags entries and reversals', async () => {
      const { stdout } = await run('hledger', [
        '-f',
        journalFile,
        'print',
        `tag:entry=${utcShiftedEntryId}`,
      ]);
      expect(stdout).toMatch(/^2025-06-01 \(write-off\) loan L-5\n/);
      const reversal = await run('hledger', [
        '-f',
        journalFile,
        'register',
        '-O',
        'csv',
        'desc:Reversal',
      ]);
      expect(reversal.stdout).toContain(`Reversal of ${reversedEntryId}: penalty waived`);
    });

    it('keeps special characters in descriptions on one line', async () => {
      const { stdout } = await run('hledger', ['-f', journalFile, 'print', 'desc:upfront']);
      expect(stdout.split('\n')[0]).toMatch(
        /^\d{4}-\d{2}-\d{2} Installment fee, charged \/ upfront$/,
      );
      const starred = await run('hledger', [
        '-f',
        journalFile,
        'register',
        '-O',
        'csv',
        'desc:Late penalty L-2',
      ]);
      expect(starred.stdout).toContain('"* Late penalty L-2');
    });

    it('filters by effective date: from inclusive, to exclusive', async () => {
      const response = await ledger.request(
        'GET',
        '/v1/journal/export?format=hledger&from=2025-03-01&to=2025-04-01T00:00:00%2B08:00',
      );
      expect(response.status).toBe(200);
      const transactions = (response.body as string).match(/^\d{4}-\d{2}-\d{2} /gm) ?? [];
      const [expected] = await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM journal_entries
          WHERE effective_at >= '2025-03-01T00:00:00Z' AND effective_at < '2025-04-01T00:00:00+08:00'`,
      );
      expect(expected?.n).toBeGreaterThan(0);
      expect(transactions.length).toBe(expected?.n);
    });
  });

  describe('CSV export', () => {
    it('parses back to one record per line with the exact amounts and descriptions', async () => {
      const response = await ledger.request('GET', '/v1/journal/export?format=csv');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toMatch(/filename="ledger-journal\.csv"/);
      const [header, ...records] = parseCsv(response.body as string);
      expect(header?.join(',')).toBe(
        'entry_id,seq,effective_at,posted_at,description,line_no,account,side,amount,currency',
      );
      expect(records.length).toBe(await lineCount());

      const lines = await ledger.dataSource.query<
        { entry_id: string; line_no: number; account_id: string; side: string; amount: string }[]
      >(
        `SELECT l.entry_id, l.line_no, l.account_id, l.side, l.amount::text AS amount
           FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id ORDER BY e.seq, l.line_no`,
      );
      expect(records.map((r) => [r[0], Number(r[5]), r[6], r[7], r[8]])).toEqual(
        lines.map((l) => [l.entry_id, l.line_no, l.account_id, l.side, l.amount]),
      );
      expect(records.map((r) => r[4])).toContain('Interest accrual\n"March", second line');
      expect(records.map((r) => r[4])).toContain('Installment fee; charged | upfront');
    });
  });

  describe('export parameters', () => {
    it.each([
      ['format=ledger', 'format'],
      ['format=csv&from=2025-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['to=2025-01-01T10:00:00', 'to'],
      ['from=2025-02-01&to=2025-01-01', 'to'],
    ])('rejects %s with a 400 naming %s', async (query, field) => {
      const response = await ledger.request('GET', `/v1/journal/export?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION.FAILED');
      expect(response.body.error.fields).toEqual([{ field, problems: [expect.any(String)] }]);
      expect(response.body.error.message).toContain(field);
    });

    it('needs the operator role', async () => {
      const verify = await ledger.request('GET', '/v1/journal/verify', { role: 'customer' });
      expect(verify.status).toBe(403);
      const exported = await ledger.request('GET', '/v1/journal/export', { role: 'customer' });
      expect(exported.status).toBe(403);
    });
  });

  describe('hash chain', () => {
    it('links every entry once while posting goes on and two sequencers compete', async () => {
      const other = new ChainSequencer(ledger.dataSource, pino({ level: 'silent' }));
      const posting = Array.from({ length: 6 }, (_, batch) =>
        ledger.request('POST', '/v1/entries', {
          body: {
            entries: Array.from({ length: 15 }, (_, i) => ({
              idempotencyKey: `concurrent-${batch}-${i}`,
              description: `Interest accrual ${batch}.${i}`,
              lines: [
                line(`assets:receivable:interest:X-${batch}`, 'debit', BigInt(100 + i)),
                line('income:interest', 'credit', BigInt(100 + i)),
              ],
            })),
          },
        }),
      );
      const chaining = [sequencer.chainPending(), other.chainPending(), other.chainPending()];
      for (const response of await Promise.all(posting)) expect(response.status).toBe(201);
      await Promise.all(chaining);
      await other.chainPending();
      await sequencer.chainPending();

      const [chain] = await ledger.dataSource.query<
        { links: number; entries: number; last: string }[]
      >(
        `SELECT count(*)::int AS links, count(DISTINCT entry_id)::int AS entries, max(position)::text AS last
           FROM journal_chain`,
      );
      const entries = await entryCount();
      expect(chain).toEqual({ links: entries, entries, last: String(entries) });
    });

    it('verifies an intact chain, over HTTP and from the CLI', async () => {
      const entries = await entryCount();
      const response = await ledger.request('GET', '/v1/journal/verify');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ok: true,
        linksChecked: entries,
        unchainedEntries: 0,
        firstBrokenLink: null,
      });
      const cli = await runCli(['ledger', 'verify'], {
        LEDGER_URL: ledger.baseUrl,
        OPERATOR_API_KEY: testKeys.operator,
      });
      expect(cli.stdout).toContain(`journal chain intact: ${entries} links checked`);
      expect(cli.code).toBe(0);
    });

    it('finds a line amount changed behind the triggers: first broken link, content changed', async () => {
      const entries = await entryCount();
      const [target] = await ledger.dataSource.query<
        { position: string; entry_id: string; hash: string }[]
      >(
        `SELECT position::text, entry_id, hash FROM journal_chain ORDER BY position OFFSET $1 LIMIT 1`,
        [Math.floor(entries / 2)],
      );
      if (!target) throw new Error('no middle link');

      // A superuser (the service's own role may not) edits the book of record, keeping the
      // entry balanced.
      await ledger.asSuperuser(async (client) => {
        await client.query('BEGIN');
        await client.query(`ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable`);
        for (const side of ['debit', 'credit']) {
          await client.query(
            `UPDATE journal_lines SET amount = amount + 1
              WHERE entry_id = $1
                AND line_no = (SELECT min(line_no) FROM journal_lines WHERE entry_id = $1 AND side = $2)`,
            [target.entry_id, side],
          );
        }
        await client.query(
          `ALTER TABLE journal_lines ENABLE ALWAYS TRIGGER journal_lines_immutable`,
        );
        await client.query('COMMIT');
      });

      const response = await ledger.request('GET', '/v1/journal/verify');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ok: false,
        linksChecked: Number(target.position),
        unchainedEntries: 0,
        firstBrokenLink: {
          position: target.position,
          entryId: target.entry_id,
          expectedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          storedHash: target.hash,
          reason: 'content changed',
        },
      });
      expect(response.body.firstBrokenLink.expectedHash).not.toBe(target.hash);

      const cli = await runCli(['ledger', 'verify'], {
        LEDGER_URL: ledger.baseUrl,
        OPERATOR_API_KEY: testKeys.operator,
      });
      expect(cli.stdout).toContain('content changed');
      expect(cli.stdout).toContain(target.entry_id);
      expect(cli.code).toBe(1);
    });
  });
});
