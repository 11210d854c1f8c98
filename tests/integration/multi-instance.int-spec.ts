import { AssignerProtocol } from 'kafkajs';
import { Client } from 'pg';
import { LoanDisbursedV1 } from '@credit/contracts';
import { addDays } from '@credit/lending-math';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { recreateServiceDatabase, serviceDatabaseUrls } from '@credit/platform';
import {
  cashLoanDisbursed,
  cashLoanPricing,
  freePort,
  loanTerms,
  testKafka,
  waitUntil,
} from '@credit/testing';
import {
  type RunningProcess,
  type Service,
  apiKeys,
  customerTokenPublicKeys,
  spawnService,
} from '../support/services';

/**
 * Two instances of the ledger and two of the repayment service, spawned as processes on one
 * database per service and one consumer group per service, under traffic from the broker and
 * over HTTP. Nothing may be applied twice or lost, each partition is consumed by one instance,
 * and the schedulers (close of business, hold expiry, chain, relays) do their work once.
 */
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const kafka = testKafka('multi-instance-test');
const writer = new OutboxWriter('test-disbursement');
const runId = Date.now().toString(36);
const today = new Date().toISOString().slice(0, 10);
const LoansPublished = 30;
const HttpPostings = 30;

class Database {
  private constructor(private readonly client: Client) {}

  /** The service's database with its roles; the test's own client is a superuser. */
  static async fresh(service: Service, name: string): Promise<Database> {
    const client = new Client({
      connectionString: (await recreateServiceDatabase(service, name)).adminUrl,
    });
    await client.connect();
    return new Database(client);
  }

  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.rows<{ n: number }>(sql, params);
    return row?.n ?? -1;
  }

  end(): Promise<void> {
    return this.client.end();
  }
}

interface Instance {
  readonly name: string;
  readonly port: number;
  readonly run: RunningProcess;
}

async function spawnInstances(
  service: Service,
  database: string,
  group: string,
  extra: Record<string, string>,
): Promise<Instance[]> {
  return Promise.all(
    [0, 1].map(async (i) => {
      const port = await freePort();
      const run = spawnService(service, {
        HTTP_PORT: String(port),
        DATABASE_URL: serviceDatabaseUrls(service, database).url,
        MIGRATIONS_DATABASE_URL: serviceDatabaseUrls(service, database).migrationsUrl,
        KAFKA_BROKERS: brokers,
        KAFKA_CONSUMER_GROUP: group,
        // A new group starts at the end of the shared test topics: only this test's events.
        KAFKA_CONSUMER_START: 'latest',
        INSTANCE_ID: `${service}-${i}`,
        CUSTOMER_TOKEN_PUBLIC_KEYS: customerTokenPublicKeys,
        OPERATOR_API_KEY: apiKeys.operator,
        ADMIN_API_KEY: apiKeys.admin,
        KAFKA_CONNECT_BACKOFF_INITIAL_MS: '200',
        KAFKA_CONNECT_BACKOFF_MAX_MS: '1000',
        LOG_LEVEL: 'warn',
        ...extra,
      });
      return { name: `${service}-${i}`, port, run };
    }),
  );
}

async function call(
  instance: Instance,
  method: string,
  path: string,
  options: { body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${instance.port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKeys.operator}`,
      'content-type': 'application/json',
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const healthy = async (instance: Instance) => {
  try {
    return (await fetch(`http://127.0.0.1:${instance.port}/health`)).status === 200;
  } catch {
    return false;
  }
};

/** The partitions each member of a consumer group owns, once the group is stable. */
async function assignments(groupId: string): Promise<Map<string, string[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const owned = new Map<string, string[]>();
    if (!group || group.state !== 'Stable') return owned;
    for (const member of group.members) {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      owned.set(
        member.clientHost + member.memberId,
        Object.entries(assignment?.assignment ?? {}).flatMap(([topic, partitions]) =>
          partitions.map((p) => `${topic}/${p}`),
        ),
      );
    }
    return owned;
  } finally {
    await admin.disconnect();
  }
}

describe('two instances of the ledger and of the repayment service under traffic', () => {
  let ledgerDb: Database;
  let repaymentDb: Database;
  let ledgers: Instance[] = [];
  let repayments: Instance[] = [];
  const ledgerGroup = `ledger-multi-${runId}`;
  const repaymentGroup = `repayment-multi-${runId}`;

  beforeAll(async () => {
    ledgerDb = await Database.fresh('ledger', 'credit_test_multi_ledger');
    repaymentDb = await Database.fresh('repayment', 'credit_test_multi_repayment');
    // The first instance of each service migrates alone; the second boots on the migrated schema.
    const [ledger0, ledger1] = await spawnInstances(
      'ledger',
      'credit_test_multi_ledger',
      ledgerGroup,
      {
        RECONCILIATION_SCHEDULE_ENABLED: 'false',
        OUTBOX_POLL_INTERVAL_MS: '5000',
      },
    );
    const [repayment0, repayment1] = await spawnInstances(
      'repayment',
      'credit_test_multi_repayment',
      repaymentGroup,
      {
        // Both instances race for yesterday's close at once and every second after.
        COB_SCHEDULE_ENABLED: 'true',
        COB_CHECK_INTERVAL_MS: '1000',
        OUTBOX_POLL_INTERVAL_MS: '5000',
      },
    );
    ledgers = [ledger0!, ledger1!];
    repayments = [repayment0!, repayment1!];
    for (const instance of [...ledgers, ...repayments]) {
      await waitUntil(
        `${instance.name} healthy`,
        async () => {
          if (instance.run.child.exitCode !== null)
            throw new Error(`${instance.name} exited:\n${instance.run.output()}`);
          return healthy(instance);
        },
        120_000,
      );
    }
    // Both members of each group own partitions before any event is sent.
    for (const group of [ledgerGroup, repaymentGroup]) {
      await waitUntil(
        `${group} stable with two members`,
        async () => {
          const owned = await assignments(group);
          return owned.size === 2 && [...owned.values()].every((p) => p.length > 0);
        },
        90_000,
      );
    }
  });

  afterAll(async () => {
    for (const instance of [...ledgers, ...repayments]) instance.run.child.kill('SIGTERM');
    await Promise.all([...ledgers, ...repayments].map((instance) => instance.run.exited));
    await ledgerDb?.end();
    await repaymentDb?.end();
  });

  it('applies every event and posting once, each partition owned by one instance, schedulers once', async () => {
    // HTTP: capital, then postings each sent to both ledger instances at once with the same key.
    const capital = await call(ledgers[0]!, 'POST', '/v1/entries', {
      idempotencyKey: `capital-${runId}`,
      body: {
        effectiveAt: new Date().toISOString(),
        description: 'Paid-in capital',
        lines: [
          {
            account: 'assets:bank:settlement',
            side: 'debit',
            amount: '10000000.00',
            currency: 'CNY',
          },
          { account: 'equity:capital', side: 'credit', amount: '10000000.00', currency: 'CNY' },
        ],
      },
    });
    expect(capital.status).toBe(201);
    const postingKeys = Array.from({ length: HttpPostings }, (_, i) => `fee-${runId}-${i}`);
    const replies = await Promise.all(
      postingKeys.flatMap((key) =>
        ledgers.map((instance) =>
          call(instance, 'POST', '/v1/entries', {
            idempotencyKey: key,
            body: {
              effectiveAt: new Date().toISOString(),
              description: `Fee ${key}`,
              lines: [
                {
                  account: `assets:receivable:fee:${key}`,
                  side: 'debit',
                  amount: '1.00',
                  currency: 'CNY',
                },
                {
                  account: 'income:installment-fee',
                  side: 'credit',
                  amount: '1.00',
                  currency: 'CNY',
                },
              ],
            },
          }),
        ),
      ),
    );
    // Same key twice at once: one posts, the other answers the same entry (or 409 while in flight).
    expect(replies.every((r) => [200, 201, 409].includes(r.status))).toBe(true);

    // A hold that expires in a moment: the ledgers' expiry sweeps race for it.
    const hold = await call(ledgers[1]!, 'POST', '/v1/holds', {
      idempotencyKey: `hold-${runId}`,
      body: {
        debitAccount: `assets:receivable:fee:H-${runId}`,
        creditAccount: 'income:installment-fee',
        amount: '50.00',
        currency: 'CNY',
        description: 'expires at once',
        expiresAt: new Date(Date.now() + 1_000).toISOString(),
      },
    });
    expect(hold.status).toBe(201);

    // The broker: loan.disbursed for many loans, each published twice, keyed by loan id.
    const events = Array.from({ length: LoansPublished }, (_, i) => {
      const loanId = `L-${runId}-${i}`;
      return writer.build({
        definition: LoanDisbursedV1,
        key: loanId,
        payload: cashLoanDisbursed({
          loanId,
          customerId: `C-${loanId}`,
          principal: `${1000 + i}.00`,
          terms: loanTerms(cashLoanPricing(), today),
        }),
      });
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: LoanDisbursedV1.topic,
      messages: events.flatMap((event) => [recordOf(event), recordOf(event)]),
    });
    await producer.disconnect();
    const eventIds = events.map((e) => e.eventId);
    const loanIds = events.map((e) => e.key);

    await waitUntil(
      'every loan.disbursed posted in the ledger',
      async () =>
        (await ledgerDb.count(
          `SELECT count(*)::int AS n FROM journal_entries WHERE source_event_id = ANY($1::uuid[])`,
          [eventIds],
        )) === LoansPublished,
      90_000,
    );
    await waitUntil(
      'every loan stored by the repayment service',
      async () =>
        (await repaymentDb.count(`SELECT count(*)::int AS n FROM loans WHERE id = ANY($1)`, [
          loanIds,
        ])) === LoansPublished,
      90_000,
    );

    // Ledger: one entry per source event and per idempotency key, inbox once per event.
    expect(
      await ledgerDb.count(
        `SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])`,
        [eventIds],
      ),
    ).toBe(LoansPublished);
    expect(
      await ledgerDb.count(
        `SELECT count(*)::int AS n FROM journal_entries WHERE description LIKE $1`,
        [`Fee fee-${runId}-%`],
      ),
    ).toBe(HttpPostings);
    // Each posting moved its balance once: nothing was applied to a balance twice.
    const [fees] = await ledgerDb.rows<{ accounts: number; off: number }>(
      `SELECT count(*)::int AS accounts, count(*) FILTER (WHERE posted_debits <> 1)::int AS off
         FROM balances WHERE account_id LIKE $1`,
      [`assets:receivable:fee:fee-${runId}-%`],
    );
    expect(fees).toEqual({ accounts: HttpPostings, off: 0 });

    // Repayment: one loan per event, inbox once per event.
    expect(
      await repaymentDb.count(
        `SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])`,
        [eventIds],
      ),
    ).toBe(LoansPublished);

    // Each partition of each group is owned by exactly one instance, and both instances own some.
    for (const group of [ledgerGroup, repaymentGroup]) {
      const owned = [...(await assignments(group)).values()];
      expect(owned).toHaveLength(2);
      const all = owned.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(owned.every((partitions) => partitions.length > 0)).toBe(true);
    }

    // Relays: every outbox row published, each by one pass (one relay publishes at a time).
    for (const db of [ledgerDb, repaymentDb]) {
      await waitUntil(
        'the outbox drained',
        async () =>
          (await db.count(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)) ===
          0,
      );
      expect(
        await db.count(`SELECT count(*)::int AS n FROM outbox WHERE publish_attempts <> 1`),
      ).toBe(0);
    }

    // Close of business: yesterday closed once, announced once, though both instances raced.
    const yesterday = addDays(today, -1);
    await waitUntil(
      'yesterday closed',
      async () =>
        (await repaymentDb.count(
          `SELECT count(*)::int AS n FROM business_days WHERE business_date = $1`,
          [yesterday],
        )) === 1,
    );
    expect(
      await repaymentDb.count(
        `SELECT count(*)::int AS n FROM outbox WHERE event_type = 'calendar.business-day-closed'`,
      ),
    ).toBe(1);

    // Hold expiry: the hold expired once, its reservation released once (nothing negative).
    await waitUntil('the hold expired', async () => {
      const reply = await call(ledgers[0]!, 'GET', `/v1/holds/${hold.body.id as string}`);
      return reply.body?.status === 'expired';
    });
    const held = await call(
      ledgers[0]!,
      'GET',
      `/v1/accounts/assets:receivable:fee:H-${runId}/balance`,
    );
    expect(held.body).toMatchObject({ pendingDebits: '0.00' });

    // Chain: every entry linked exactly once, positions without gaps.
    await waitUntil('the chain caught up', async () => {
      const [row] = await ledgerDb.rows<{ entries: number; links: number }>(
        `SELECT (SELECT count(*)::int FROM journal_entries) AS entries,
                (SELECT count(*)::int FROM journal_chain) AS links`,
      );
      return row !== undefined && row.entries === row.links;
    });
    const [chain] = await ledgerDb.rows<{ links: number; entries: number; last: number }>(
      `SELECT count(*)::int AS links, count(DISTINCT entry_id)::int AS entries,
              max(position)::int AS last FROM journal_chain`,
    );
    expect(chain?.entries).toBe(chain?.links);
    expect(chain?.last).toBe(chain?.links);

    // No instance died along the way.
    for (const instance of [...ledgers, ...repayments]) {
      expect(instance.run.child.exitCode).toBeNull();
    }
  });
});
