import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { addDays } from '@credit/lending-math';
import {
  borderlineApplicant,
  cny,
  testConsent,
  testKafka,
  uniquePerson,
  waitFor,
} from '@credit/testing';
import {
  applicant,
  balance,
  call,
  close,
  loanIdOf,
  reconciled,
  repay,
  waitForLoan,
} from '../support/platform-api';
import { customerOfNationalId } from '../support/services';

/**
 * Personal data never travels on Kafka, and an erasure leaves the books alone. After a full
 * lifecycle (apply, approve, draw, disburse, repay, close of business) and the customer's
 * erasure, every topic on the broker is read from its beginning (every test's records, the dead
 * letters too) and no record holds a name, national ID or phone that was sent, in its key, value
 * or headers.
 */

const person = () => uniquePerson('Zhou', '+86135');

async function submit(p: ReturnType<typeof person>, request: Record<string, unknown>) {
  const submitted = await call('application', 'POST', '/v1/applications', {
    customer: customerOfNationalId(p.nationalId),
    key: `e2e-pii-${randomUUID()}`,
    body: { applicant: { ...applicant(p.nationalId), ...p }, consent: testConsent(), ...request },
  });
  expect(submitted.status).toBe(201);
  const id = submitted.body.applicationId as string;
  return waitFor(`the decision on ${id}`, async () => {
    const view = await call('application', 'GET', `/v1/applications/${id}`, {
      customer: customerOfNationalId(p.nationalId),
    });
    return view.body.status !== 'submitted' ? view.body : undefined;
  });
}

/** Every record of every topic, read from the beginning to the end it has now. */
async function everyRecord(): Promise<{ topic: string; message: KafkaMessage }[]> {
  const kafka = testKafka(`e2e-pii-scan-${randomUUID()}`);
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  const ends = new Map<string, number>();
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      ends.set(`${topic}/${p.partition}`, Number(p.high));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0).map(([key]) => key));
  const records: { topic: string; message: KafkaMessage }[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-pii-scan-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      records.push({ topic, message });
      const key = `${topic}/${partition}`;
      if (Number(message.offset) + 1 >= (ends.get(key) ?? 0)) pending.delete(key);
      return Promise.resolve();
    },
  });
  try {
    await waitFor(
      'every topic read to its end',
      () => Promise.resolve(pending.size === 0 ? true : undefined),
      120_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe('personal data and the log, end to end', () => {
  it('no topic holds personal data after a full lifecycle and an erasure; the books are untouched by the erasure', async () => {
    const p = person();
    const line = await submit(p, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('50000.00') },
    });
    expect(line.status).toBe('approved');
    const customerId = line.customerId as string;
    const drawn = await submit(p, {
      kind: 'draw',
      draw: { lineId: line.lineId, product: 'cash-loan', amount: cny('3000.00'), periods: 3 },
    });
    expect(drawn.status).toBe('approved');
    const loanId = loanIdOf(drawn.applicationId as string);
    const loan = await waitForLoan(loanId);
    expect((await repay(loanId, '500.00')).status).toBe(201);
    expect((await close(addDays(loan.terms.startDate, 1))).status).toBeLessThan(300);
    await reconciled();

    // The access document: everything decrypted (operator role).
    const access = await call('application', 'GET', `/v1/customers/${customerId}/personal-data`, {
      role: 'operator',
    });
    expect(access.status).toBe(200);
    expect(access.body.applications).toHaveLength(2);
    for (const application of access.body.applications)
      expect(application.personalData).toEqual({ status: 'available', ...p });

    // Erasure: the personal data is gone, the loan and the books are as they were.
    const principal = await balance(`assets:loans:principal:${loanId}`);
    const trialBefore = await call('ledger', 'GET', '/v1/trial-balance', { role: 'operator' });
    const erased = await call(
      'application',
      'POST',
      `/v1/customers/${customerId}/personal-data/erasure`,
      { role: 'admin', key: `e2e-erase-${customerId}`, body: { note: 'e2e' } },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.result).toEqual({ applications: 2, erased: 2 });
    const after = await call('application', 'GET', `/v1/customers/${customerId}/personal-data`, {
      role: 'operator',
    });
    for (const application of after.body.applications)
      expect(application.personalData).toMatchObject({ status: 'erased' });
    expect(await balance(`assets:loans:principal:${loanId}`)).toBe(principal);
    expect((await call('ledger', 'GET', '/v1/trial-balance', { role: 'operator' })).body).toEqual(
      trialBefore.body,
    );
    expect((await waitForLoan(loanId)).customerId).toBe(customerId);

    // Every topic, from the beginning: none of the values sent by this or any other e2e test.
    const e2e = applicant('-');
    const borderline = borderlineApplicant();
    const sent = [
      p.name,
      p.nationalId,
      p.phone,
      p.phone.slice(1),
      e2e.name,
      e2e.phone.slice(1),
      borderline.name,
      borderline.nationalId,
      borderline.phone.slice(1),
    ];
    const records = await everyRecord();
    const topics = new Set(records.map((r) => r.topic));
    expect([...topics]).toEqual(
      expect.arrayContaining([
        'application.events',
        'application.changelog',
        'loan.events',
        'ledger.events',
        'repayment.changelog',
      ]),
    );
    const leaks: string[] = [];
    for (const { topic, message } of records) {
      const text = [
        message.key?.toString('utf8') ?? '',
        message.value?.toString('utf8') ?? '',
        ...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`),
      ]
        .join('\n')
        .toUpperCase();
      for (const value of sent)
        if (text.includes(value.toUpperCase())) leaks.push(`${topic}@${message.offset}: ${value}`);
    }
    expect(leaks).toEqual([]);
    // The customer's own records are there, under the pseudonymous id only.
    expect(
      records.some(
        (r) =>
          r.topic === 'application.changelog' &&
          (r.message.value?.toString('utf8') ?? '').includes(customerId),
      ),
    ).toBe(true);
  });
});
