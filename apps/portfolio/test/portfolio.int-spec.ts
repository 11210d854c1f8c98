import { randomUUID } from 'node:crypto';
import {
  ApplicationDecidedV1,
  type EventDefinition,
  LoanCreatedV1,
  LoanStateRecordedV1,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { TestApiKeys, type TestApp, startTestApp } from '@credit/platform';
import { cashLoanPricing, cny, loanStateRecorded, testKafka, waitFor } from '@credit/testing';
import { PortfolioModule } from '../src/app.module';
import { portfolioEnvSchema } from '../src/config/env';

// The portfolio's read model from the repayment changelog, and the delinquency report over it.
describe('portfolio: the book by loan and business date, from events only', () => {
  let app: TestApp;
  const writer = new OutboxWriter('test-repayment');
  const run = randomUUID().slice(0, 8);
  const loan = (n: number) => `L-PF-${run}-${n}`;
  const customerId = `C-PF-${run}`;

  const send = async (
    definition: EventDefinition,
    messages: { key: string; payload: unknown }[],
  ) => {
    const producer = testKafka('portfolio-test').producer();
    await producer.connect();
    await producer.send({
      topic: definition.topic,
      messages: messages.map(({ key, payload }) =>
        recordOf(writer.build({ definition, key, payload })),
      ),
    });
    await producer.disconnect();
  };
  const state = (
    n: number,
    version: number,
    processedThrough: string,
    rest: Partial<Parameters<typeof loanStateRecorded>[0]> = {},
  ) => ({
    key: loan(n),
    payload: loanStateRecorded({
      loanId: loan(n),
      customerId,
      version,
      principal: '1000.00',
      startDate: '2026-02-01',
      processedThrough,
      ...rest,
    }),
  });
  const snapshots = async () =>
    Number(
      (
        await app.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM loan_snapshots WHERE loan_id LIKE $1`,
          [`L-PF-${run}-%`],
        )
      )[0]?.n,
    );
  const report = async (query: string) => app.request('GET', `/v1/portfolio/delinquency?${query}`);

  beforeAll(async () => {
    app = await startTestApp({
      service: 'portfolio',
      database: 'credit_test_portfolio',
      envSchema: portfolioEnvSchema,
      module: (config, logger) => PortfolioModule.register(config, logger),
    });
    await send(LoanStateRecordedV1, [
      // 1000.00 owed, current
      state(1, 3, '2026-03-31'),
      // 200.00 owed, 5 days past due
      state(2, 4, '2026-03-31', { principalPaid: '800.00', daysPastDue: 5 }),
      // 100.00 owed, 45 days past due
      state(3, 6, '2026-03-31', {
        principalPaid: '950.00',
        interestAccrued: '50.00',
        daysPastDue: 45,
      }),
      // paid off: not in the active book
      state(4, 9, '2026-03-20', { principalPaid: '1000.00', status: 'paid-off' }),
      // current in mid-March, 35 days past due in April: the report on 03-31 sees March's
      state(5, 2, '2026-03-15', { principalPaid: '500.00' }),
      state(5, 5, '2026-04-02', { principalPaid: '500.00', daysPastDue: 35 }),
      // an older version of loan 1 for the same date, delivered late: changes nothing
      state(1, 2, '2026-03-31', { daysPastDue: 80 }),
      // 800.00 of principal left, 100 days past due, then charged off: written off in March
      state(6, 7, '2026-03-10', { principalPaid: '200.00', daysPastDue: 100 }),
      state(6, 8, '2026-03-20', {
        principalPaid: '200.00',
        daysPastDue: 110,
        status: 'charged-off',
      }),
    ]);
    await waitFor('the snapshots', async () => ((await snapshots()) === 8 ? true : undefined));
  });
  afterAll(() => app.close());

  it('reports the active book on a date: 1+, 30+ and 90+ by count and by balance', async () => {
    const march = await report('asOf=2026-03-31');
    expect(march.status).toBe(200);
    // Active on 03-31: loans 1 (1000.00), 2 (200.00, 5 dpd), 3 (100.00, 45 dpd), 5 (500.00, 0 dpd).
    expect(march.body).toEqual({
      asOf: '2026-03-31',
      currency: 'CNY',
      loans: 4,
      outstanding: '1800.00',
      rates: {
        '1+': { loans: 2, outstanding: '300.00', byCount: '0.500000', byBalance: '0.166667' },
        '30+': { loans: 1, outstanding: '100.00', byCount: '0.250000', byBalance: '0.055556' },
        '90+': { loans: 0, outstanding: '0.00', byCount: '0.000000', byBalance: '0.000000' },
      },
    });
    // In April loan 5 is 35 days past due.
    const april = await report('asOf=2026-04-30');
    expect(april.body.rates['30+']).toEqual({
      loans: 2,
      outstanding: '600.00',
      byCount: '0.500000',
      byBalance: '0.333333',
    });
    // Before any loan was processed: an empty book, rates of zero.
    expect((await report('asOf=2026-01-31')).body).toMatchObject({ loans: 0, outstanding: '0.00' });
  });

  it('rolls the March book into April, bucket to bucket, by count and balance', async () => {
    const response = await app.request('GET', '/v1/portfolio/roll-rates?from=2026-03&to=2026-04');
    expect(response.status).toBe(200);
    const rows = response.body.rows as {
      from: string;
      loans: number;
      balance: string;
      to: Record<string, { loans: number; balance: string; byCount: string; byBalance: string }>;
    }[];
    const row = (from: string) => rows.find((r) => r.from === from);
    // Current in March: loan 1 (1000.00) stays current, loan 5 (500.00) rolls to 31-60.
    expect(row('current')).toMatchObject({ loans: 2, balance: '1500.00' });
    expect(row('current')?.to.current).toEqual({
      loans: 1,
      balance: '1000.00',
      byCount: '0.500000',
      byBalance: '0.666667',
    });
    expect(row('current')?.to['31-60']).toEqual({
      loans: 1,
      balance: '500.00',
      byCount: '0.500000',
      byBalance: '0.333333',
    });
    expect(row('1-30')?.to['1-30']).toMatchObject({ loans: 1, byCount: '1.000000' });
    expect(row('31-60')?.to['31-60']).toMatchObject({ loans: 1, balance: '100.00' });
    // Loan 4 was paid off before the end of March: not in any row.
    expect(rows.reduce((sum, r) => sum + r.loans, 0)).toBe(4);
    const later = await app.request('GET', '/v1/portfolio/roll-rates?from=2026-04&to=2026-03');
    expect(later.status).toBe(400);
    expect(JSON.stringify(later.body)).toContain('to must be a later month than from');
  });

  it('draws the February vintage: cumulative 30+ and charge-offs by month on book', async () => {
    const response = await app.request('GET', '/v1/portfolio/vintages?asOf=2026-04');
    expect(response.status).toBe(200);
    // Six loans of 1,000.00 started in February; loans 3 and 6 were 30+ in March, loan 5 in
    // April; loan 6 was charged off in March with 800.00 of principal left.
    expect(response.body.curves).toEqual([
      {
        originationMonth: '2026-02',
        loans: 6,
        principal: '6000.00',
        points: [
          {
            monthsOnBook: 0,
            ever30PlusByCount: '0.000000',
            ever30PlusByBalance: '0.000000',
            chargeOffRate: '0.000000',
          },
          {
            monthsOnBook: 1,
            ever30PlusByCount: '0.333333',
            ever30PlusByBalance: '0.333333',
            chargeOffRate: '0.133333',
          },
          {
            monthsOnBook: 2,
            ever30PlusByCount: '0.500000',
            ever30PlusByBalance: '0.500000',
            chargeOffRate: '0.133333',
          },
        ],
      },
    ]);
    expect((await app.request('GET', '/v1/portfolio/vintages?asOf=2026-13')).status).toBe(400);
  });

  it('answers the same report as CSV', async () => {
    const response = await fetch(
      `${app.baseUrl}/v1/portfolio/delinquency?asOf=2026-03-31&format=csv`,
      {
        headers: { authorization: `Bearer ${TestApiKeys.operator}` },
      },
    );
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect((await response.text()).split('\n')).toEqual([
      'as_of,currency,threshold,loans_past,loans,by_count,outstanding_past,outstanding,by_balance',
      '2026-03-31,CNY,1+,2,4,0.500000,300.00,1800.00,0.166667',
      '2026-03-31,CNY,30+,1,4,0.250000,100.00,1800.00,0.055556',
      '2026-03-31,CNY,90+,0,4,0.000000,0.00,1800.00,0.000000',
      '',
    ]);
  });

  it('keeps each snapshot valid until the next whatever order a rebuild brings them in', async () => {
    // Loan 7 (another customer's, in 2027, after every other loan's book): its dates out of order.
    const later = (n: number, version: number, date: string, dpd: number) => ({
      ...state(n, version, date, { daysPastDue: dpd, startDate: '2027-01-01' }),
    });
    await send(LoanStateRecordedV1, [
      later(7, 3, '2027-07-02', 32),
      later(7, 1, '2027-06-10', 0),
      later(7, 2, '2027-06-20', 10),
    ]);
    const validity = async () =>
      app.dataSource.query<{ as_of: string; valid_until: string }[]>(
        `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of, valid_until::text AS valid_until
           FROM loan_snapshots WHERE loan_id = $1 ORDER BY as_of`,
        [loan(7)],
      );
    await waitFor('loan 7', async () => ((await validity()).length === 3 ? true : undefined));
    expect(await validity()).toEqual([
      { as_of: '2027-06-10', valid_until: '2027-06-20' },
      { as_of: '2027-06-20', valid_until: '2027-07-02' },
      { as_of: '2027-07-02', valid_until: 'infinity' },
    ]);
    // On 2027-06-25 the book holds loan 7 once, as of 06-20 (10 days past due), beside loans 1-3
    // and 5 as of their last snapshots (March and April).
    const { body } = await report('asOf=2027-06-25');
    expect(body).toMatchObject({ loans: 5, rates: { '1+': { loans: 4 } } });
  });

  it('keeps the decisions and origins that give each loan its score band', async () => {
    const applicationId = `A-PF-${run}`;
    await send(ApplicationDecidedV1, [
      {
        key: applicationId,
        payload: {
          applicationId,
          customerId,
          kind: 'credit-line',
          decision: 'declined',
          modelVersion: 'scorecard-v1',
          score: 470,
          pd: '0.4100',
          reasons: [],
          rulesFired: [],
          creditLine: null,
          draw: null,
          decidedAt: new Date().toISOString(),
        },
      },
    ]);
    await send(LoanCreatedV1, [
      {
        key: loan(1),
        payload: {
          loanId: loan(1),
          applicationId,
          customerId,
          lineId: null,
          product: 'cash-loan',
          principal: cny('1000.00'),
          merchantId: null,
          merchantFee: null,
          pricing: cashLoanPricing(),
          createdAt: new Date().toISOString(),
        },
      },
    ]);
    const row = await waitFor('the decision and the origin', async () => {
      const [found] = await app.dataSource.query<{ score_band: string; decision: string }[]>(
        `SELECT d.score_band, d.decision FROM loan_origins o
           JOIN decisions d ON d.application_id = o.application_id WHERE o.loan_id = $1`,
        [loan(1)],
      );
      return found;
    });
    expect(row).toEqual({ score_band: 'E', decision: 'declined' });
  });

  it('groups the book by product and by score band (after the decision above: loan 1 is band E)', async () => {
    const response = await app.request('GET', '/v1/portfolio/concentration?asOf=2026-03-31');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      asOf: '2026-03-31',
      currency: 'CNY',
      loans: 4,
      outstanding: '1800.00',
      byProduct: [{ key: 'cash-loan', loans: 4, outstanding: '1800.00', share: '1.000000' }],
      byScoreBand: [
        { key: 'E', loans: 1, outstanding: '1000.00', share: '0.555556' },
        { key: 'none', loans: 3, outstanding: '800.00', share: '0.444444' },
      ],
    });
  });

  it('refuses a bad date, currency or format with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['asOf=2026-02-30', 'asOf'],
      ['', 'asOf'],
      ['asOf=2026-03-31&currency=XXX', 'currency'],
      ['asOf=2026-03-31&format=xml', 'format'],
    ] as const) {
      const response = await report(query);
      expect([query, response.status, JSON.stringify(response.body)]).toEqual([
        query,
        400,
        expect.stringContaining(field),
      ]);
    }
  });
});
