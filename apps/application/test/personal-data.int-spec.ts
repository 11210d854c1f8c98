import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicationDecidedV1, Topics } from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { type TestApp } from '@credit/platform';
import {
  borderlineApplicant,
  replayed,
  testConsent,
  testKafka,
  uniquePerson,
  waitFor,
} from '@credit/testing';
import { startApplication, submitAsApplicant } from './harness';
import { MillisecondsPerDay } from '../src/domain/personal-data';
import { EnvelopeCipher } from '../src/personal-data/envelope-cipher';
import { personalDataContext } from '../src/personal-data/personal-data.service';
import { PiiCipher, parsePiiKeys } from '../src/personal-data/pii-cipher';
import { DeclinedRetention } from '../src/personal-data/retention';

/**
 * Personal-data rights on a real database and broker: consent recorded, the access document
 * (decrypted, audited), erasure by destroying data keys (idempotent, audited, and honoured again
 * when a restored backup is replayed from the changelog), retention of declined applications
 * (clock injected), and the resumable key rotation.
 */

const kafka = testKafka('application-pii-test');
const scoring = new OutboxWriter('test-scoring');
const keys = {
  old: randomBytes(32).toString('base64'),
  k1: randomBytes(32).toString('base64'),
};
const piiEnv = {
  APPLICATION_PII_KEYS: `old:${keys.old},k1:${keys.k1}`,
  APPLICATION_PII_ACTIVE_KEY_ID: 'k1',
  APPLICATION_CUSTOMER_ID_PEPPER: 'test-pepper-0123456789abcdef',
  APPLICATION_DECLINED_PII_RETENTION_DAYS: '30',
};
/** What sealed values before data keys existed: v1, directly under the "old" master key. */
const oldMaster = new PiiCipher(parsePiiKeys(piiEnv.APPLICATION_PII_KEYS), 'old');

const person = () => uniquePerson('Chen', '+86137');
type Person = ReturnType<typeof person>;

const creditLineBody = (p: Person, consent: unknown = testConsent()) => ({
  kind: 'credit-line',
  applicant: borderlineApplicant(p),
  consent,
  creditLine: { requestedLimit: { amount: '20000.00', currency: 'CNY' } },
});

async function decide(
  application: { applicationId: string; customerId: string },
  decision: 'approved' | 'declined',
  decidedAt: string,
): Promise<void> {
  const envelope = scoring.build({
    definition: ApplicationDecidedV1,
    key: application.applicationId,
    payload: {
      ...application,
      kind: 'credit-line',
      decision,
      modelVersion: 'scorecard-v1',
      score: decision === 'approved' ? 600 : 400,
      pd: '0.1000',
      reasons: [],
      rulesFired: [],
      creditLine:
        decision === 'approved'
          ? {
              lineId: `LINE-${randomUUID().slice(0, 8)}`,
              limit: { amount: '10000.00', currency: 'CNY' },
              priceTier: 'B',
            }
          : null,
      draw: null,
      decidedAt,
    },
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: Topics.applicationEvents,
      acks: -1,
      messages: [recordOf(envelope)],
    });
  } finally {
    await producer.disconnect();
  }
}

describe('personal-data rights (PIPL) in the application service', () => {
  let app: TestApp;
  const since = new Date().toISOString();
  const submit = async (p: Person, consent?: unknown) => {
    return submitAsApplicant(app, `pii-${randomUUID()}`, creditLineBody(p, consent));
  };
  const accessOf = (customerId: string, role: 'operator' | 'customer' | 'admin' = 'operator') =>
    app.request('GET', `/v1/customers/${customerId}/personal-data`, { role });
  const statusOf = (applicationId: string, status: string) =>
    waitFor(`application ${applicationId} ${status}`, async () =>
      (await app.request('GET', `/v1/applications/${applicationId}`)).body.status === status
        ? true
        : undefined,
    );
  const auditOf = async (action: string) =>
    app.dataSource.query<{ actor: string; selection: { customerId: string }; status: string }[]>(
      `SELECT actor, selection, status FROM admin_actions WHERE action = $1 ORDER BY started_at`,
      [action],
    );

  beforeAll(async () => {
    app = await startApplication('credit_test_application_pii', piiEnv);
  });
  afterAll(() => app.close());

  const alice = person();
  let aliceId: string;
  let aliceApplications: string[];

  it('requires consent, records it with its time, and shows everything decrypted to an operator (audited)', async () => {
    const missing = await submit(alice, null);
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual([
      { field: 'consent', problems: [expect.stringMatching(/^is required/)] },
    ]);
    const before = Date.now();
    const first = await submit(alice, testConsent(['credit-assessment', 'marketing'], '2026-01'));
    const second = await submit(alice);
    expect([first.status, second.status]).toEqual([201, 201]);
    aliceId = first.body.customerId as string;
    aliceApplications = [first.body.applicationId, second.body.applicationId];
    await decide({ applicationId: aliceApplications[0]!, customerId: aliceId }, 'approved', since);
    await statusOf(aliceApplications[0]!, 'approved');

    const access = await accessOf(aliceId);
    expect(access.status).toBe(200);
    expect(access.body.customerId).toBe(aliceId);
    expect(access.body.applications).toHaveLength(2);
    const [one, two] = access.body.applications;
    expect(one).toMatchObject({
      applicationId: aliceApplications[0],
      status: 'approved',
      consent: { purposes: ['credit-assessment', 'marketing'], textVersion: '2026-01' },
      personalData: { status: 'available', ...alice },
    });
    expect(Date.parse(one.consent.consentedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(two.personalData).toEqual({ status: 'available', ...alice });
    expect(access.body.creditLines).toHaveLength(1);
    expect(access.body.erasures).toEqual([]);

    // The changelog record carries the consent (and the fields only sealed).
    const [recorded] = await app.dataSource.query<{ text: string }[]>(
      `SELECT envelope::text AS text FROM outbox
        WHERE message_key = $1 AND event_type = 'application.recorded'`,
      [aliceApplications[0]],
    );
    expect(JSON.parse(recorded!.text).payload.consent).toMatchObject({
      purposes: ['credit-assessment', 'marketing'],
      textVersion: '2026-01',
    });
    for (const value of Object.values(alice)) expect(recorded!.text).not.toContain(value);

    // Customers may not read it; an unknown customer is a 404; every access is audited.
    expect((await accessOf(aliceId, 'customer')).status).toBe(403);
    const nobody = await accessOf(`C-${'0'.repeat(32)}`);
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('PERSONAL_DATA.CUSTOMER_NOT_FOUND');
    expect((await accessOf('C-not-an-id')).status).toBe(400);
    const audited = await auditOf('personal-data.access');
    expect(audited.map((a) => [a.actor, a.selection.customerId, a.status])).toEqual([
      ['operator:bootstrap:env-operator', aliceId, 'succeeded'],
      ['operator:bootstrap:env-operator', `C-${'0'.repeat(32)}`, 'failed'],
    ]);
  });

  it("erases a customer's personal data by destroying the data keys: idempotent, audited, the decisions kept", async () => {
    // What a backup taken now holds: the data keys and the sealed columns.
    const backup = {
      keys: await app.dataSource.query<Record<string, string>[]>(
        `SELECT * FROM application_data_keys WHERE customer_id = $1`,
        [aliceId],
      ),
      fields: await app.dataSource.query<Record<string, string>[]>(
        `SELECT id, name_encrypted, national_id_encrypted, phone_encrypted FROM applications
          WHERE customer_id = $1`,
        [aliceId],
      ),
    };
    expect(backup.keys).toHaveLength(2);

    const erase = (key: string, body: unknown = { note: 'request R-1' }, role = 'admin' as const) =>
      app.request('POST', `/v1/customers/${aliceId}/personal-data/erasure`, {
        role,
        idempotencyKey: key,
        body,
      });
    expect((await erase('erase-op', {}, 'operator' as 'admin')).status).toBe(403);
    const erased = await erase('erase-1');
    expect(erased.status).toBe(200);
    expect(erased.headers.get('idempotent-replayed')).toBe('false');
    expect(erased.body).toMatchObject({
      customerId: aliceId,
      status: 'succeeded',
      replayed: false,
      result: { applications: 2, erased: 2 },
    });
    const again = await erase('erase-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.actionId).toBe(erased.body.actionId);
    expect((await erase('erase-1', { note: 'something else' })).status).toBe(409);
    // A second erasure under another key erases nothing more.
    expect((await erase('erase-2')).body.result).toEqual({ applications: 2, erased: 0 });

    const remaining = await app.dataSource.query<unknown[]>(
      `SELECT 1 FROM application_data_keys WHERE customer_id = $1`,
      [aliceId],
    );
    expect(remaining).toHaveLength(0);
    const access = await accessOf(aliceId);
    expect(access.status).toBe(200);
    for (const application of access.body.applications)
      expect(application.personalData).toMatchObject({
        status: 'erased',
        reason: 'customer-request',
      });
    expect(access.body.applications[0].status).toBe('approved');
    expect(access.body.erasures).toHaveLength(2);
    expect(JSON.stringify(access.body)).not.toContain(alice.nationalId);
    // The application and its decision are still there.
    const view = await app.request('GET', `/v1/applications/${aliceApplications[0]}`);
    expect(view.body).toMatchObject({ status: 'approved', customerId: aliceId });
    const audited = await auditOf('personal-data.erase');
    expect(audited.map((a) => [a.actor, a.status])).toEqual([
      ['admin:bootstrap:env-admin', 'succeeded'],
      ['admin:bootstrap:env-admin', 'succeeded'],
    ]);
    // Announced on the changelog, one erasure per application, without personal data.
    const announced = await app.dataSource.query<{ text: string }[]>(
      `SELECT envelope::text AS text FROM outbox
        WHERE event_type = 'application.personal-data-erased' ORDER BY message_key`,
    );
    expect(announced).toHaveLength(2);
    for (const { text } of announced)
      for (const value of Object.values(alice)) expect(text).not.toContain(value);

    // A backup from before the erasure is restored: keys and ciphertext are back...
    await app.dataSource.transaction(async (manager) => {
      for (const key of backup.keys)
        await manager.query(
          `INSERT INTO application_data_keys (application_id, customer_id, kek_id, wrapped_key)
           VALUES ($1, $2, $3, $4)`,
          [key.application_id, key.customer_id, key.kek_id, key.wrapped_key],
        );
      for (const row of backup.fields)
        await manager.query(
          `UPDATE applications SET name_encrypted = $2, national_id_encrypted = $3,
                  phone_encrypted = $4 WHERE id = $1`,
          [row.id, row.name_encrypted, row.national_id_encrypted, row.phone_encrypted],
        );
      await manager.query(`DELETE FROM personal_data_erasures`);
      await manager.query(
        `DELETE FROM inbox WHERE event_type = 'application.personal-data-erased'`,
      );
    });
    expect((await accessOf(aliceId)).body.applications[0].personalData.status).toBe('available');
    // ...and the restore procedure replays the changelog: the erasures apply again.
    await waitFor('the erasures published', async () =>
      (await app.dataSource.query<unknown[]>(`SELECT 1 FROM outbox WHERE published_at IS NULL`))
        .length === 0
        ? true
        : undefined,
    );
    const replay = await replayed(app, `pii-restore-${randomUUID()}`, since);
    expect(replay).toMatchObject({ status: 'succeeded' });
    const restored = await accessOf(aliceId);
    for (const application of restored.body.applications)
      expect(application.personalData.status).toBe('erased');
    expect(
      await app.dataSource.query<unknown[]>(
        `SELECT 1 FROM application_data_keys WHERE customer_id = $1`,
        [aliceId],
      ),
    ).toHaveLength(0);
  });

  it('erases the personal data of applications declined longer ago than the retention, daily on one instance', async () => {
    const bob = person();
    const declined = await submit(bob);
    const approved = await submit(bob);
    const bobId = declined.body.customerId as string;
    const decidedAt = new Date();
    await decide(
      { applicationId: declined.body.applicationId, customerId: bobId },
      'declined',
      decidedAt.toISOString(),
    );
    await decide(
      { applicationId: approved.body.applicationId, customerId: bobId },
      'approved',
      decidedAt.toISOString(),
    );
    await statusOf(declined.body.applicationId as string, 'declined');
    await statusOf(approved.body.applicationId as string, 'approved');

    const retention = app.app.get(DeclinedRetention);
    const dayMs = MillisecondsPerDay;
    // 29 days later: kept. 31 days later: erased; the approved application is not touched.
    expect(await retention.sweep(new Date(decidedAt.getTime() + 29 * dayMs))).toBe(0);
    expect(await retention.sweep(new Date(decidedAt.getTime() + 31 * dayMs))).toBe(1);
    expect(await retention.sweep(new Date(decidedAt.getTime() + 32 * dayMs))).toBe(0);
    const access = await accessOf(bobId);
    const byId = new Map(
      (access.body.applications as { applicationId: string; personalData: unknown }[]).map((a) => [
        a.applicationId,
        a.personalData,
      ]),
    );
    expect(byId.get(declined.body.applicationId)).toMatchObject({
      status: 'erased',
      reason: 'retention',
    });
    expect(byId.get(approved.body.applicationId)).toEqual({ status: 'available', ...bob });
    // The pass is the daily task's: a leader lock makes it run on one instance at a time.
    expect(retention.task.name).toBe('declined-pii-retention');
  });

  it('rotates every sealed value onto the active key in resumable batches, then names the keys to retire', async () => {
    // Two applications from before data keys: their fields sealed directly by the "old" key;
    // and one whose data key is still wrapped by "old".
    const legacy = [person(), person(), person()];
    const ids: string[] = [];
    for (const p of legacy) ids.push((await submit(p)).body.applicationId as string);
    const oldEnvelope = new EnvelopeCipher(oldMaster);
    for (const [index, id] of ids.entries()) {
      const p = legacy[index]!;
      if (index < 2) {
        await app.dataSource.query(`DELETE FROM application_data_keys WHERE application_id = $1`, [
          id,
        ]);
        await app.dataSource.query(
          `UPDATE applications SET name_encrypted = $2, national_id_encrypted = $3,
                  phone_encrypted = $4 WHERE id = $1`,
          [
            id,
            oldMaster.encrypt(p.name, personalDataContext(id, 'name')),
            oldMaster.encrypt(p.nationalId, personalDataContext(id, 'nationalId')),
            oldMaster.encrypt(p.phone, personalDataContext(id, 'phone')),
          ],
        );
      } else {
        const [row] = await app.dataSource.query<{ wrapped_key: string }[]>(
          `SELECT wrapped_key FROM application_data_keys WHERE application_id = $1`,
          [id],
        );
        const current = new EnvelopeCipher(
          new PiiCipher(parsePiiKeys(piiEnv.APPLICATION_PII_KEYS), 'k1'),
        );
        const dataKey = current.unwrap(row!.wrapped_key, id);
        await app.dataSource.query(
          `UPDATE application_data_keys SET kek_id = 'old', wrapped_key = $2 WHERE application_id = $1`,
          [id, oldEnvelope.wrap(dataKey, id)],
        );
      }
    }
    const total = (
      await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM applications`)
    )[0]!.n;
    const step = (key: string) =>
      app.request('POST', '/v1/admin/personal-data/rotation', {
        role: 'admin',
        idempotencyKey: key,
        body: { batchSize: 2 },
      });
    const operator = await app.request('POST', '/v1/admin/personal-data/rotation', {
      role: 'operator',
      idempotencyKey: 'rotate-op',
      body: {},
    });
    expect(operator.status).toBe(403);
    const legacyLeft = async () =>
      (
        await app.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM applications WHERE name_encrypted LIKE 'v1:%'`,
        )
      )[0]!.n;

    const first = await step('rotate-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'running', activeKeyId: 'k1', total, done: 2 });
    expect(first.body.retirableKeyIds).toEqual([]);
    // The same key answers the same progress without doing another batch.
    const same = await step('rotate-1');
    expect(same.headers.get('idempotent-replayed')).toBe('true');
    expect(same.body.done).toBe(2);

    // A batch that fails before it commits (as if the process died) changes nothing, its
    // cursor included...
    // (as the superuser: the service's runtime role may not create functions or triggers)
    await app.asSuperuser((db) =>
      db.query(`
        CREATE FUNCTION pii_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'simulated crash'; END $$;
        CREATE TRIGGER pii_test_fail BEFORE UPDATE ON pii_rotations
          FOR EACH ROW EXECUTE FUNCTION pii_test_fail();`),
    );
    const left = await legacyLeft();
    const failed = await step('rotate-crash');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await legacyLeft()).toBe(left);
    const [stopped] = await app.dataSource.query<{ done: number }[]>(
      `SELECT done FROM pii_rotations WHERE status = 'running'`,
    );
    expect(stopped!.done).toBe(2);
    await app.asSuperuser((db) => db.query(`DROP TRIGGER pii_test_fail ON pii_rotations`));
    // ...and the next calls resume from the last committed batch, to the end.
    let progress = first.body;
    for (let n = 2; progress.status !== 'finished' && n < 100; n++) {
      const next = await step(`rotate-${n}`);
      expect(next.status).toBe(200);
      expect(next.body.done).toBe(progress.done + 2 > total ? total : progress.done + 2);
      progress = next.body;
    }
    expect(progress).toMatchObject({ status: 'finished', done: total, activeKeyId: 'k1' });
    expect(progress.resealed).toBe(2);
    expect(progress.rewrapped).toBe(1);
    expect(progress.keysInUse).toEqual(['k1']);
    expect(progress.retirableKeyIds).toEqual(['old']);
    expect(
      (await app.request('GET', '/v1/admin/personal-data/rotation', { role: 'admin' })).body,
    ).toMatchObject({ rotationId: progress.rotationId, status: 'finished' });
    // Every batch is audited with the admin who ran it (the replay of rotate-1 adds no record),
    // and the rotation names who started it.
    const batches = await auditOf('personal-data.rotate');
    expect(new Set(batches.map((a) => a.actor))).toEqual(new Set(['admin:bootstrap:env-admin']));
    expect(batches.filter((a) => a.status === 'failed')).toHaveLength(1);
    expect(
      await app.dataSource.query(
        `SELECT count(*)::int AS n FROM admin_actions WHERE action = $1 AND idempotency_key = $2`,
        ['personal-data.rotate', 'rotate-1'],
      ),
    ).toEqual([{ n: 1 }]);
    expect(
      await app.dataSource.query(`SELECT started_by FROM pii_rotations WHERE id = $1`, [
        progress.rotationId,
      ]),
    ).toEqual([{ started_by: 'admin:bootstrap:env-admin' }]);

    // Everything opens without the old key now.
    const retired = new EnvelopeCipher(new PiiCipher(parsePiiKeys(`k1:${keys.k1}`), 'k1'));
    for (const [index, id] of ids.entries()) {
      const [row] = await app.dataSource.query<Record<string, string>[]>(
        `SELECT a.name_encrypted, a.national_id_encrypted, k.wrapped_key
           FROM applications a JOIN application_data_keys k ON k.application_id = a.id WHERE a.id = $1`,
        [id],
      );
      const dataKey = retired.unwrap(row!.wrapped_key!, id);
      expect(row!.name_encrypted).toMatch(/^v2:/);
      expect(retired.open(row!.name_encrypted!, personalDataContext(id, 'name'), dataKey)).toBe(
        legacy[index]!.name,
      );
    }
    // Erased applications stay erased (skipped, no key created for them).
    const [erased] = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM application_data_keys k
         JOIN personal_data_erasures e USING (application_id)`,
    );
    expect(erased!.n).toBe(0);
  });
});
