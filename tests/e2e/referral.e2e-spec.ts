import { randomUUID } from 'node:crypto';
import { borderlineApplicant, cny, testConsent, waitFor } from '@credit/testing';
import { balance, call, loanIdOf, waitForLoan } from '../support/platform-api';

/**
 * A referred application does not dead-end: the operator's queue in the scoring service approves
 * or declines it, and the decision flows through the platform like an automatic one. A line
 * approved from the queue opens in the ledger and can be drawn on; a draw approved from the queue
 * is paid out, scheduled and posted.
 */

async function submit(nationalId: string, request: Record<string, unknown>): Promise<any> {
  const submitted = await call('application', 'POST', '/v1/applications', {
    role: 'customer',
    key: `e2e-${randomUUID()}`,
    body: { applicant: borderlineApplicant({ nationalId }), consent: testConsent(), ...request },
  });
  expect(submitted.status).toBe(201);
  return statusOf(submitted.body.applicationId as string, (s) => s !== 'submitted');
}

function statusOf(applicationId: string, done: (status: string) => boolean): Promise<any> {
  return waitFor(`application ${applicationId}`, async () => {
    const view = await call('application', 'GET', `/v1/applications/${applicationId}`, {
      role: 'customer',
    });
    return done(view.body.status as string) ? view.body : undefined;
  });
}

/** The operator's queue lists it (scoring reads application.events on its own). */
const queued = (applicationId: string) =>
  waitFor(`referral ${applicationId} in the queue`, async () => {
    const reply = await call('scoring', 'GET', '/v1/referrals?limit=200');
    return (reply.body.referrals as { applicationId: string }[]).find(
      (r) => r.applicationId === applicationId,
    );
  });

describe('referred applications through the operator queue, end to end', () => {
  const person = `E2ER${randomUUID().slice(0, 8)}`;
  let lineId: string;

  it('a referred credit line approved by an operator opens in the ledger', async () => {
    const referred = await submit(person, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('20000.00') },
    });
    expect(referred.status).toBe('referred');
    const entry: any = await queued(referred.applicationId);
    expect(entry.decision.decision).toBe('referred');

    const approved = await call(
      'scoring',
      'POST',
      `/v1/referrals/${referred.applicationId}/approve`,
      {
        key: `e2e-approve-${referred.applicationId}`,
        body: { operator: 'ops.e2e', priceTier: 'C', limit: '12000.00' },
      },
    );
    expect(approved.status).toBe(201);
    expect(approved.body.resolution).toMatchObject({ operator: 'ops.e2e', priceTier: 'C' });

    const view = await statusOf(referred.applicationId, (s) => s === 'approved');
    expect(view).toMatchObject({ limit: cny('12000.00'), price: { priceTier: 'C' } });
    lineId = view.lineId as string;
    const drawn = await waitFor(`line ${lineId} in the ledger`, async () => {
      const reply = await call('ledger', 'GET', `/v1/accounts/assets:credit-line-drawn:${lineId}`);
      return reply.status === 200 ? reply.body : undefined;
    });
    expect(drawn).toMatchObject({ currency: 'CNY', maxBalance: '12000.00' });
  });

  it('a referred draw approved by an operator is paid out, scheduled and posted at the tier price', async () => {
    const referred = await submit(person, {
      kind: 'draw',
      draw: { lineId, product: 'cash-loan', amount: cny('8000.00'), periods: 12 },
    });
    expect(referred.status).toBe('referred');
    await queued(referred.applicationId);
    const approved = await call(
      'scoring',
      'POST',
      `/v1/referrals/${referred.applicationId}/approve`,
      {
        key: `e2e-approve-${referred.applicationId}`,
        body: { operator: 'ops.e2e', priceTier: 'B' },
      },
    );
    expect(approved.status).toBe(201);

    const loanId = loanIdOf(referred.applicationId);
    const loan = await waitForLoan(loanId);
    expect(loan.terms).toMatchObject({ dailyRate: '0.0004' });
    expect(loan.installments).toHaveLength(12);
    await waitFor(`the principal of ${loanId} posted`, async () =>
      (await balance(`assets:loans:principal:${loanId}`)) === '8000.00' ? true : undefined,
    );
  });

  it('a referral declined by an operator ends declined with the reason code', async () => {
    const referred = await submit(`E2ED${randomUUID().slice(0, 8)}`, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('20000.00') },
    });
    expect(referred.status).toBe('referred');
    await queued(referred.applicationId);
    const declined = await call(
      'scoring',
      'POST',
      `/v1/referrals/${referred.applicationId}/decline`,
      {
        key: `e2e-decline-${referred.applicationId}`,
        body: { operator: 'ops.e2e', reasonCode: 'REFERRAL.INCOME_NOT_VERIFIED' },
      },
    );
    expect(declined.status).toBe(201);
    const view = await statusOf(referred.applicationId, (s) => s === 'declined');
    expect(view.reasonCodes[0]).toBe('REFERRAL.INCOME_NOT_VERIFIED');
    expect(view.lineId ?? null).toBeNull();
  });
});
