import { type TestApp, testBearerOf } from '@credit/platform';
import {
  borderlineApplicant,
  cny,
  fuzzService,
  settledChecksums,
  testConsent,
} from '@credit/testing';
import { applicationApi } from '@credit/api';
import { applicantCustomerOf, startApplication, submitAsApplicant } from './harness';

// A hostile client over every route of the application service (its own and the admin routes),
// with a real application to aim at: no 5xx, every defective write refused, nothing changed.
describe('application service under hostile input', () => {
  let app: TestApp;
  let applicationId: string;
  const body = {
    kind: 'credit-line',
    applicant: borderlineApplicant(),
    consent: testConsent(),
    creditLine: { requestedLimit: cny('20000.00') },
  };

  beforeAll(async () => {
    app = await startApplication('credit_test_application_hostile');
    const submitted = await submitAsApplicant(app, 'hostile-seed', body);
    expect(submitted.status).toBe(201);
    applicationId = submitted.body.applicationId as string;
  });
  afterAll(() => app.close());

  it('refuses an application carrying __proto__ or constructor keys, and stores nothing', async () => {
    const before = await settledChecksums(app.dataSource);
    const json = JSON.stringify(body);
    for (const [member, field] of [
      ['"__proto__":{"status":"approved"}', '__proto__'],
      ['"constructor":{"prototype":{"approved":true}}', 'constructor'],
    ]) {
      for (const text of [
        `{${member},${json.slice(1)}`,
        json.replace('"name":', `${member},"name":`),
      ]) {
        const response = await fetch(`${app.baseUrl}/v1/applications`, {
          method: 'POST',
          headers: {
            authorization: testBearerOf({ customer: applicantCustomerOf(body) }),
            'content-type': 'application/json',
            'idempotency-key': `hostile-${field}`,
          },
          body: text,
        });
        expect(response.status).toBe(400);
        const { error } = (await response.json()) as { error: { fields: { field: string }[] } };
        expect(error.fields.map((f) => f.field).join(' ')).toContain(field);
      }
    }
    const nul = await submitAsApplicant(app, 'hostile-nul', {
      ...body,
      applicant: { ...body.applicant, name: 'Wang\u0000Fang' },
    });
    expect(nul.status).toBe(400);
    expect(nul.body.error.field).toBe('applicant.name');
    expect(await settledChecksums(app.dataSource)).toEqual(before);
  });

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({
      app,
      api: applicationApi,
      ids: { id: [applicationId] },
      seed: 1,
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(after).toEqual(before);
  });
});
