import { recreateServiceDatabase, serviceDatabaseUrls } from '@credit/platform';
import { freePort, runCli, waitUntil } from '@credit/testing';
import {
  type RunningProcess,
  type Service,
  apiKeys,
  customerTokenPublicKeys,
  spawnService,
} from '../support/services';

/**
 * Named credentials across services, as processes: the ledger issues and revokes them, the
 * scoring service (and a repayment service booted later) learns of each change from
 * platform.credentials without a restart.
 */
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const runId = Date.now().toString(36);

interface Instance {
  readonly service: Service;
  readonly url: string;
  readonly run: RunningProcess;
}

const running: Instance[] = [];

async function boot(service: Service, extra: Record<string, string> = {}): Promise<Instance> {
  const database = `credit_test_credentials_${service}`;
  await recreateServiceDatabase(service, database);
  const urls = serviceDatabaseUrls(service, database);
  const port = await freePort();
  const run = spawnService(service, {
    HTTP_PORT: String(port),
    DATABASE_URL: urls.url,
    MIGRATIONS_DATABASE_URL: urls.migrationsUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_CONSUMER_GROUP: `${service}-credentials-${runId}`,
    KAFKA_CONSUMER_START: 'latest',
    CUSTOMER_TOKEN_PUBLIC_KEYS: customerTokenPublicKeys,
    OPERATOR_API_KEY: apiKeys.operator,
    ADMIN_API_KEY: apiKeys.admin,
    KAFKA_CONNECT_BACKOFF_INITIAL_MS: '200',
    KAFKA_CONNECT_BACKOFF_MAX_MS: '1000',
    RECONCILIATION_SCHEDULE_ENABLED: 'false',
    COB_SCHEDULE_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    ...extra,
  });
  const instance = { service, url: `http://127.0.0.1:${port}`, run };
  running.push(instance);
  return instance;
}

async function healthy(instance: Instance): Promise<boolean> {
  if (instance.run.child.exitCode !== null)
    throw new Error(`${instance.service} exited:\n${instance.run.output()}`);
  try {
    return (await fetch(`${instance.url}/health`)).status === 200;
  } catch {
    return false;
  }
}

async function call(
  instance: Instance,
  method: string,
  path: string,
  key: string,
  options: { body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

/** The operator route each service answers: proof that a credential is accepted there. */
const operatorProbe: Record<Service, string> = {
  ledger: '/v1/trial-balance',
  scoring: '/v1/referrals',
  repayment: '/v1/loans',
  application: '/v1/admin/actions',
  disbursement: '/v1/admin/actions',
  portfolio: '/v1/portfolio/delinquency?asOf=2026-01-31',
};

const statusOn = async (instance: Instance, key: string) =>
  (await call(instance, 'GET', operatorProbe[instance.service], key)).status;

describe('named credentials across services', () => {
  let ledger: Instance;
  let scoring: Instance;

  beforeAll(async () => {
    [ledger, scoring] = await Promise.all([boot('ledger'), boot('scoring')]);
    for (const instance of [ledger, scoring])
      await waitUntil(`${instance.service} healthy`, () => healthy(instance), 120_000);
  });

  afterAll(async () => {
    for (const instance of running) instance.run.child.kill('SIGTERM');
    await Promise.all(running.map((instance) => instance.run.exited));
  });

  const issue = (key: string, body: unknown, idempotencyKey = `issue-${Math.random()}`) =>
    call(ledger, 'POST', '/v1/admin/credentials', key, { body, idempotencyKey });

  it('issues a credential that works on another service, lists it without secret, revokes it everywhere', async () => {
    const issued = await issue(apiKeys.admin, {
      holder: 'alice',
      role: 'operator',
      description: 'on-call laptop',
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      holder: 'alice',
      role: 'operator',
      status: 'active',
      issuedBy: 'admin:bootstrap:env-admin',
      revokedAt: null,
    });
    const secret: string = issued.body.secret;
    const id: string = issued.body.id;
    expect(secret).toMatch(new RegExp(`^${id}_[A-Za-z0-9_-]{43}$`));

    // Accepted on the ledger and, once the topic delivered it, on the scoring service.
    for (const instance of [ledger, scoring])
      await waitUntil(
        `${instance.service} accepts ${id}`,
        async () => (await statusOn(instance, secret)) === 200,
        30_000,
      );
    // An operator credential is not an admin one.
    expect((await call(scoring, 'GET', '/v1/admin/actions', secret)).status).toBe(403);

    // The list never shows a secret nor its hash.
    const list = await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.admin);
    expect(list.status).toBe(200);
    const listed = list.body.credentials.find((c: { id: string }) => c.id === id);
    expect(listed).toEqual({
      id,
      holder: 'alice',
      role: 'operator',
      description: 'on-call laptop',
      status: 'active',
      issuedAt: issued.body.issuedAt,
      issuedBy: 'admin:bootstrap:env-admin',
      revokedAt: null,
      revokedBy: null,
    });
    expect(list.text).not.toContain(secret.slice(id.length + 1));
    expect(list.text).not.toMatch(/[0-9a-f]{64}/);
    expect(list.text).not.toContain('secret');

    const revoked = await call(
      ledger,
      'POST',
      `/v1/admin/credentials/${id}/revocation`,
      apiKeys.admin,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      id,
      status: 'revoked',
      revokedBy: 'admin:bootstrap:env-admin',
    });
    for (const instance of [ledger, scoring])
      await waitUntil(
        `${instance.service} refuses revoked ${id}`,
        async () => (await statusOn(instance, secret)) === 401,
        30_000,
      );
    // Revoking again answers the first revocation.
    const again = await call(
      ledger,
      'POST',
      `/v1/admin/credentials/${id}/revocation`,
      apiKeys.admin,
    );
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const active = await call(ledger, 'GET', '/v1/admin/credentials?status=active', apiKeys.admin);
    expect(active.body.credentials.map((c: { id: string }) => c.id)).not.toContain(id);
    const gone = await call(ledger, 'GET', '/v1/admin/credentials?status=revoked', apiKeys.admin);
    expect(gone.body.credentials.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('replays an issue by its Idempotency-Key without a new credential or the secret', async () => {
    const key = `replay-${runId}`;
    const body = { holder: 'bob', role: 'admin' };
    const first = await issue(apiKeys.admin, body, key);
    expect(first.status).toBe(201);
    const before = (await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.admin)).body
      .credentials.length;
    const replay = await issue(apiKeys.admin, body, key);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.body.id, holder: 'bob', secret: null });
    expect(replay.body.note).toContain('shown only');
    const conflict = await issue(apiKeys.admin, { holder: 'carol', role: 'admin' }, key);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('LEDGER.IDEMPOTENCY_CONFLICT');
    const after = (await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.admin)).body
      .credentials.length;
    expect(after).toBe(before);
  });

  it('records the holder as the actor of a write made with a named credential', async () => {
    const admin = await issue(apiKeys.admin, { holder: 'dana', role: 'admin' });
    const secret: string = admin.body.secret;
    await waitUntil(
      'the ledger accepts dana',
      async () => (await statusOn(ledger, secret)) === 200,
    );
    const issuedByDana = await issue(secret, { holder: 'erin', role: 'operator' });
    expect(issuedByDana.status).toBe(201);
    expect(issuedByDana.body.issuedBy).toBe(`admin:dana:${admin.body.id}`);
    const revoked = await call(
      ledger,
      'POST',
      `/v1/admin/credentials/${issuedByDana.body.id}/revocation`,
      secret,
    );
    expect(revoked.body.revokedBy).toBe(`admin:dana:${admin.body.id}`);
    // An audited admin action records the holder too.
    const rebuild = await call(ledger, 'POST', '/v1/admin/ledger/rebuild-balances', secret, {
      body: {},
      idempotencyKey: `rebuild-${runId}`,
    });
    expect(rebuild.status).toBe(200);
    const actions = await call(ledger, 'GET', '/v1/admin/actions', secret);
    const action = actions.body.actions.find((a: { id: string }) => a.id === rebuild.body.actionId);
    expect(action.actor).toBe(`admin:dana:${admin.body.id}`);
  });

  it('refuses bad input with a 4xx naming the field, issuing nothing', async () => {
    const before = (await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.admin)).body
      .credentials.length;
    for (const [body, field] of [
      [{ holder: 'eve:admin', role: 'operator' }, 'holder'],
      [{ holder: '', role: 'operator' }, 'holder'],
      [{ holder: 'x'.repeat(101), role: 'operator' }, 'holder'],
      [{ holder: 'eve smith', role: 'operator' }, 'holder'],
      [{ holder: 'eve', role: 'customer' }, 'role'],
      [{ holder: 'eve' }, 'role'],
      [{ holder: 'eve', role: 'operator', description: 'x'.repeat(501) }, 'description'],
      [{ holder: 'eve', role: 'operator', secret: 'mine' }, 'secret'],
    ] as const) {
      const answer = await issue(apiKeys.admin, body);
      expect([answer.status, JSON.stringify(body)]).toEqual([400, JSON.stringify(body)]);
      expect(answer.text).toContain(field);
    }
    const noKey = await call(ledger, 'POST', '/v1/admin/credentials', apiKeys.admin, {
      body: { holder: 'eve', role: 'operator' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.text.toLowerCase()).toContain('idempotency-key');
    const malformed = await call(
      ledger,
      'POST',
      '/v1/admin/credentials/alice/revocation',
      apiKeys.admin,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('id');
    const unknown = await call(
      ledger,
      'POST',
      '/v1/admin/credentials/cred_000000000000/revocation',
      apiKeys.admin,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('LEDGER.CREDENTIAL_NOT_FOUND');
    const badStatus = await call(ledger, 'GET', '/v1/admin/credentials?status=gone', apiKeys.admin);
    expect(badStatus.status).toBe(400);
    expect(badStatus.text).toContain('status');
    // Operators may not issue, list or revoke.
    expect((await issue(apiKeys.operator, { holder: 'eve', role: 'admin' })).status).toBe(403);
    expect((await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.operator)).status).toBe(403);
    const after = (await call(ledger, 'GET', '/v1/admin/credentials', apiKeys.admin)).body
      .credentials.length;
    expect(after).toBe(before);
  });

  it('a service booted after the issue knows the credential as soon as it reports healthy', async () => {
    const kept = await issue(apiKeys.admin, { holder: 'frank', role: 'operator' });
    const dropped = await issue(apiKeys.admin, { holder: 'grace', role: 'operator' });
    await call(
      ledger,
      'POST',
      `/v1/admin/credentials/${dropped.body.id}/revocation`,
      apiKeys.admin,
    );
    // The scoring service has them both, so the topic holds the revocation too.
    await waitUntil(
      'scoring knows both',
      async () =>
        (await statusOn(scoring, kept.body.secret)) === 200 &&
        (await statusOn(scoring, dropped.body.secret)) === 401,
      30_000,
    );
    const repayment = await boot('repayment');
    await waitUntil('repayment healthy', () => healthy(repayment), 120_000);
    // No wait: healthy means it read the topic to its end.
    expect(await statusOn(repayment, kept.body.secret)).toBe(200);
    expect(await statusOn(repayment, dropped.body.secret)).toBe(401);
  });

  it('the CLI creates, lists and revokes credentials', async () => {
    const admin = await issue(apiKeys.admin, { holder: 'henry', role: 'admin' });
    await waitUntil(
      'the ledger accepts henry',
      async () => (await statusOn(ledger, admin.body.secret)) === 200,
    );
    const env = { LEDGER_URL: ledger.url, ADMIN_API_KEY: admin.body.secret };
    const created = await runCli(
      ['credentials', 'create', '--holder', 'service-disbursement', '--role', 'operator', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const credential = JSON.parse(created.stdout) as {
      id: string;
      secret: string;
      issuedBy: string;
    };
    expect(credential.issuedBy).toBe(`admin:henry:${admin.body.id}`);
    expect(credential.secret).toMatch(/^cred_[0-9a-f]{12}_/);

    const listed = await runCli(['credentials', 'list', '--status', 'active'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(credential.id);
    expect(listed.stdout).toContain('service-disbursement');
    expect(listed.stdout).not.toContain(credential.secret);

    const revoked = await runCli(['credentials', 'revoke', credential.id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${credential.id}`);

    const usage = await runCli(
      ['credentials', 'create', '--holder', 'a:b', '--role', 'operator'],
      env,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--holder');
  });
});
