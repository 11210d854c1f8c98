import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Money } from '@credit/money';
import { type LedgerHarness, hledgerBalances, startLedger } from './harness';

const run = promisify(execFile);

type Side = 'debit' | 'credit';
const line = (account: string, side: Side, amount: string, currency: string) => ({
  account,
  side,
  amount,
  currency,
});
/** The two lines of an entry that moves `amount` from `credit` to `debit`. */
const transfer = (debit: string, credit: string, amount: string, currency: string) => [
  line(debit, 'debit', amount, currency),
  line(credit, 'credit', amount, currency),
];

/** Accounts opened through the API, each in its own currency at that currency's scale. */
const accounts = [
  { id: 'assets:bank:tokyo', name: 'Tokyo bank', type: 'asset', currency: 'JPY' },
  { id: 'equity:capital-jp:paid-in', name: 'JP capital', type: 'equity', currency: 'JPY' },
  {
    id: 'assets:loans-jp:principal',
    name: 'JP loans',
    type: 'asset',
    currency: 'JPY',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  { id: 'income:interest-jp:loans', name: 'JP interest', type: 'income', currency: 'JPY' },
  { id: 'equity:fx-conversion:jpy', name: 'FX conversion JPY', type: 'equity', currency: 'JPY' },
  { id: 'assets:bank:new-york', name: 'New York bank', type: 'asset', currency: 'USD' },
  { id: 'equity:capital-us:paid-in', name: 'US capital', type: 'equity', currency: 'USD' },
  { id: 'income:fees-us:wire', name: 'US wire fees', type: 'income', currency: 'USD' },
  { id: 'equity:fx-conversion:usd', name: 'FX conversion USD', type: 'equity', currency: 'USD' },
];

describe('ledger: accounts in any ISO 4217 currency at its own scale, end to end', () => {
  let ledger: LedgerHarness;
  let workDir: string;
  const entryCount = async () =>
    (
      await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM journal_entries`,
      )
    )[0]?.n ?? 0;

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_currencies');
    workDir = await mkdtemp(path.join(tmpdir(), 'ledger-currencies-'));
    for (const account of accounts) {
      const created = await ledger.request('POST', '/v1/accounts', {
        role: 'admin',
        body: account,
      });
      expect(created.status).toBe(201);
      expect(created.body.currency).toBe(account.currency);
    }

    const capital = [
      [
        'fx-capital-jpy',
        'Japan',
        transfer('assets:bank:tokyo', 'equity:capital-jp:paid-in', '10000000', 'JPY'),
      ],
      [
        'fx-capital-usd',
        'US',
        transfer('assets:bank:new-york', 'equity:capital-us:paid-in', '50000.00', 'USD'),
      ],
    ] as const;
    for (const [idempotencyKey, country, lines] of capital) {
      const posted = await ledger.request('POST', '/v1/entries', {
        idempotencyKey,
        body: {
          effectiveAt: '2025-02-01T00:00:00Z',
          description: `Paid-in capital, ${country}`,
          lines,
        },
      });
      expect(posted.status).toBe(201);
    }
    const batch = await ledger.request('POST', '/v1/entries', {
      body: {
        entries: [
          {
            idempotencyKey: 'fx-loan-jp-1',
            effectiveAt: '2025-02-03T09:00:00Z',
            description: 'Loan JP-1 paid out',
            lines: transfer('assets:loans-jp:principal:JP-1', 'assets:bank:tokyo', '123457', 'JPY'),
          },
          {
            idempotencyKey: 'fx-interest-jp-1',
            effectiveAt: '2025-02-28T09:00:00Z',
            description: 'Interest JP-1 received',
            lines: transfer('assets:bank:tokyo', 'income:interest-jp:loans', '1235', 'JPY'),
          },
          {
            idempotencyKey: 'fx-wire-fee-1',
            effectiveAt: '2025-02-04T09:00:00Z',
            description: 'Wire fee',
            lines: transfer('assets:bank:new-york', 'income:fees-us:wire', '12.34', 'USD'),
          },
          {
            // One entry in two currencies: balanced in each, no conversion inside the ledger.
            idempotencyKey: 'fx-conversion-1',
            effectiveAt: '2025-02-05T09:00:00Z',
            description: 'Sell 15,000 JPY for 100.05 USD',
            lines: [
              ...transfer('assets:bank:new-york', 'equity:fx-conversion:usd', '100.05', 'USD'),
              ...transfer('equity:fx-conversion:jpy', 'assets:bank:tokyo', '15000', 'JPY'),
            ],
          },
        ],
      },
    });
    expect(batch.status).toBe(201);
  });

  afterAll(async () => {
    await ledger?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('bad input gets a 4xx naming the field and writes nothing', () => {
    /** Posts one entry that must be refused with a 400 and write nothing; answers the error. */
    const refused = async (
      idempotencyKey: string,
      description: string,
      lines: ReturnType<typeof line>[],
    ) => {
      const before = await entryCount();
      const response = await ledger.request('POST', '/v1/entries', {
        idempotencyKey,
        body: { description, lines },
      });
      expect(response.status).toBe(400);
      expect(await entryCount()).toBe(before);
      return response.body.error;
    };

    it('refuses an account in a currency that is not in the ISO 4217 table', async () => {
      const response = await ledger.request('POST', '/v1/accounts', {
        role: 'admin',
        body: { id: 'assets:bank:nowhere', name: 'Nowhere', type: 'asset', currency: 'XYZ' },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'LEDGER.UNKNOWN_CURRENCY',
        field: 'currency',
      });
      const missing = await ledger.request('GET', '/v1/accounts/assets:bank:nowhere');
      expect(missing.body.error.code).toBe('LEDGER.UNKNOWN_ACCOUNT');
    });

    it('refuses an account limit finer than its currency (JPY has no minor unit)', async () => {
      const response = await ledger.request('POST', '/v1/accounts', {
        role: 'admin',
        body: {
          id: 'assets:bank:osaka',
          name: 'Osaka',
          type: 'asset',
          currency: 'JPY',
          maxBalance: '1000.5',
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.field).toBe('maxBalance');
    });

    it.each([
      ['JPY with a decimal', '100.5', 'JPY', 'assets:bank:tokyo', 'equity:capital-jp:paid-in'],
      ['USD below the cent', '1.005', 'USD', 'assets:bank:new-york', 'equity:capital-us:paid-in'],
    ])('refuses %s (more decimals than the scale)', async (_, amount, currency, debit, credit) => {
      const lines = transfer(debit, credit, amount, currency);
      const error = await refused(`fx-bad-scale-${currency}`, 'too fine', lines);
      expect(error.code).toBe('LEDGER.SCALE_EXCEEDED');
      expect(error.field).toBe('lines[0].amount');
      expect(error.message).toContain('lines[0].amount');
    });

    it('names the entry and the field inside a batch, and writes none of the batch', async () => {
      const before = await entryCount();
      const response = await ledger.request('POST', '/v1/entries', {
        body: {
          entries: [
            {
              idempotencyKey: 'fx-batch-ok',
              description: 'fine',
              lines: transfer('assets:bank:tokyo', 'equity:capital-jp:paid-in', '7', 'JPY'),
            },
            {
              idempotencyKey: 'fx-batch-bad',
              description: 'a sen is not booked',
              lines: transfer('assets:bank:tokyo', 'equity:capital-jp:paid-in', '7.01', 'JPY'),
            },
          ],
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'LEDGER.SCALE_EXCEEDED',
        field: 'entries[1].lines[0].amount',
      });
      expect(await entryCount()).toBe(before);
    });

    it('refuses a line in a currency the table does not know, naming its currency field', async () => {
      const error = await refused('fx-bad-currency', 'unknown currency', [
        line('assets:bank:tokyo', 'debit', '100', 'JPY'),
        line('equity:capital-jp:paid-in', 'credit', '100', 'XYZ'),
      ]);
      expect(error.code).toBe('LEDGER.UNKNOWN_CURRENCY');
      expect(error.field).toBe('lines[1].currency');
    });

    it('refuses a hold finer than its currency or in an unknown currency, naming the field', async () => {
      const hold = (amount: string, currency: string) =>
        ledger.request('POST', '/v1/holds', {
          idempotencyKey: `fx-hold-${currency}-${amount}`,
          body: {
            debitAccount: 'equity:fx-conversion:jpy',
            creditAccount: 'assets:bank:tokyo',
            amount,
            currency,
            description: 'reserve yen',
          },
        });
      const fine = await hold('1.5', 'JPY');
      expect(fine.status).toBe(400);
      expect(fine.body.error).toMatchObject({ code: 'LEDGER.SCALE_EXCEEDED', field: 'amount' });
      const unknown = await hold('1', 'XYZ');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({
        code: 'LEDGER.UNKNOWN_CURRENCY',
        field: 'currency',
      });
      const [holds] = await ledger.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM holds`,
      );
      expect(holds?.n).toBe(0);
    });

    it('refuses an entry that balances in total but not per currency', async () => {
      const error = await refused('fx-unbalanced', '100 JPY against 100 USD', [
        line('assets:bank:tokyo', 'debit', '100', 'JPY'),
        line('equity:capital-us:paid-in', 'credit', '100.00', 'USD'),
      ]);
      expect(error.code).toBe('LEDGER.UNBALANCED');
      expect(error.differences).toEqual({ JPY: '100', USD: '-100.00' });
    });

    it('refuses a line in a currency other than its account', async () => {
      const lines = transfer('assets:bank:tokyo', 'assets:bank:new-york', '5.00', 'USD');
      const error = await refused('fx-mismatch', 'USD into the yen account', lines);
      expect(error.code).toBe('LEDGER.CURRENCY_MISMATCH');
      expect(error.field).toBe('lines[0].currency');
    });
  });

  it('answers balances and statements at the currency scale', async () => {
    const tokyo = await ledger.request('GET', '/v1/accounts/assets:bank:tokyo/balance');
    expect(tokyo.status).toBe(200);
    expect(tokyo.body).toMatchObject({ currency: 'JPY', balance: '9862778' }); // 10,000,000 - 123,457 + 1,235 - 15,000
    const loan = await ledger.request('GET', '/v1/accounts/assets:loans-jp:principal:JP-1');
    expect(loan.body).toMatchObject({ currency: 'JPY', minBalance: '0' });
    const york = await ledger.request('GET', '/v1/accounts/assets:bank:new-york/balance');
    expect(york.body).toMatchObject({ currency: 'USD', balance: '50112.39' });

    const statement = await ledger.request('GET', '/v1/accounts/assets:bank:tokyo/statement');
    expect(statement.status).toBe(200);
    expect(statement.body.currency).toBe('JPY');
    expect(statement.body.openingBalance).toBe('0');
    expect(
      (statement.body.lines as { side: string; amount: string; balance: string }[]).map((l) => [
        l.side,
        l.amount,
        l.balance,
      ]),
    ).toEqual([
      ['debit', '10000000', '10000000'],
      ['credit', '123457', '9876543'],
      ['debit', '1235', '9877778'],
      ['credit', '15000', '9862778'],
    ]);
    const usd = await ledger.request('GET', '/v1/accounts/assets:bank:new-york/statement');
    expect(
      (usd.body.lines as { amount: string; balance: string }[]).map((l) => [l.amount, l.balance]),
    ).toEqual([
      ['50000.00', '50000.00'],
      ['12.34', '50012.34'],
      ['100.05', '50112.39'],
    ]);
  });

  it('keeps the trial balance per currency, each balanced at its own scale', async () => {
    const response = await ledger.request('GET', '/v1/trial-balance');
    expect(response.status).toBe(200);
    expect(response.body.currencies).toEqual([
      { currency: 'JPY', totalDebits: '10001235', totalCredits: '10001235', balanced: true },
      { currency: 'USD', totalDebits: '50112.39', totalCredits: '50112.39', balanced: true },
    ]);
    const byAccount = Object.fromEntries(
      (response.body.accounts as { account: string; currency: string; balance: string }[]).map(
        (a) => [a.account, `${a.balance} ${a.currency}`],
      ),
    );
    expect(byAccount).toEqual({
      'assets:bank:new-york': '50112.39 USD',
      'assets:bank:tokyo': '9862778 JPY',
      'assets:loans-jp:principal:JP-1': '123457 JPY',
      'equity:capital-jp:paid-in': '-10000000 JPY',
      'equity:capital-us:paid-in': '-50000.00 USD',
      'equity:fx-conversion:jpy': '15000 JPY',
      'equity:fx-conversion:usd': '-100.05 USD',
      'income:fees-us:wire': '-12.34 USD',
      'income:interest-jp:loans': '-1235 JPY',
    });
  });

  it('exports CSV with each amount at its currency scale', async () => {
    const response = await ledger.request('GET', '/v1/journal/export?format=csv');
    expect(response.status).toBe(200);
    const records = (response.body as string)
      .split('\r\n')
      .slice(1)
      .filter((r) => r !== '');
    const amounts = records.map((r) => r.split(',').slice(-2).join(' '));
    expect(amounts).toContain('123457 JPY');
    expect(amounts).toContain('100.05 USD');
    expect(amounts.filter((a) => /\.\d* JPY$/.test(a))).toEqual([]);
    expect(amounts.filter((a) => / USD$/.test(a) && !/\.\d{2} USD$/.test(a))).toEqual([]);
  });

  describe('hledger reads the export and agrees per commodity', () => {
    let journalFile: string;

    beforeAll(async () => {
      const response = await ledger.request('GET', '/v1/journal/export?format=hledger');
      expect(response.status).toBe(200);
      journalFile = path.join(workDir, 'ledger.journal');
      await writeFile(journalFile, response.body as string);
    });

    it('declares each commodity at its scale and passes hledger check', async () => {
      const text = await readFile(journalFile, 'utf8');
      expect(text).toMatch(/^commodity 1000\. JPY$/m);
      expect(text).toMatch(/^commodity 1000\.00 USD$/m);
      expect(text).toMatch(/^commodity 1000\.00 CNY$/m); // the seeded chart
      expect(text).toContain('    assets:loans-jp:principal:JP-1  123457 JPY');
      expect(text).toContain('    equity:fx-conversion:usd  -100.05 USD');
      await run('hledger', ['-f', journalFile, 'check', 'accounts', 'commodities']);
    });

    it.each(['JPY', 'USD'])(
      '%s: every account balance equals the ledger trial balance',
      async (currency) => {
        const fromHledger = await hledgerBalances(journalFile, currency, `cur:${currency}`);
        const trial = await ledger.request('GET', '/v1/trial-balance');
        const fromLedger = Object.fromEntries(
          (trial.body.accounts as { account: string; currency: string; balance: string }[])
            .filter((a) => a.currency === currency && a.balance !== Money.zero(currency).toString())
            .map((a) => [a.account, a.balance]),
        );
        expect(Object.keys(fromLedger).length).toBeGreaterThan(3);
        expect(fromHledger).toEqual(fromLedger);
      },
    );
  });
});
