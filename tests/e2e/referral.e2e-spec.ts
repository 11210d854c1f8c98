import { randomUUID } from 'node:crypto';
import { borderlineApplicant, cny, waitFor } from '@credit/testing';
import { approveReferral, declineReferral, getAccount, listReferrals } from '@credit/api';
import {
  type ApplicationRequest,
  api,
  balance,
  decisionOn,
  found,
  loanIdOf,
  submit,
  UnknownAccount,
  waitForLoan,
} from '../support/platform-api';

/**
 * A referred application does not dead-end: the operator's queue in the scoring service approves
 * or declines it, and the decision flows through the platform like an automatic one. A line
 * approved from the queue opens in the ledger and can be drawn on; a draw approved from the queue
 * is paid out, scheduled and posted.
 */

async function submitted(nationalId: string, request: ApplicationRequest) {
  const answer = await submit({ applicant: borderlineApplicant({ nationalId }), ...request });
  expect(answer.status).toBe(201);
  return decisionOn(answer.body.applicationId);
}

/** The operator's queue lists it (scoring reads application.events on its own). */
const queued = (applicationId: string) =>
  waitFor(`referral ${applicationId} in the queue`, async () => {
    const page = await api('scoring').call(listReferrals, { query: { limit: '200' } });
    return page.body.referrals.find((r) => r.applicationId === applicationId);
  });

describe('referred applications through the operator queue, end to end', () => {
  const person = `E2ER${randomUUID().slice(0, 8)}`;
  let lineId: string;

  it('a referred credit line approved by an operator opens in the ledger', async () => {
    const referred = await submitted(person, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('20000.00') },
    });
    expect(referred.status).toBe('referred');
    const entry = await queued(referred.applicationId);
    expect(entry.decision.decision).toBe('referred');

    const approved = await api('scoring').call(approveReferral, {
      params: { applicationId: referred.applicationId },
      idempotencyKey: `e2e-approve-${referred.applicationId}`,
      body: { operator: 'ops.e2e', priceTier: 'C', limit: '12000.00' },
    });
    expect(approved.status).toBe(201);
    expect(approved.body.resolution).toMatchObject({ operator: 'ops.e2e', priceTier: 'C' });

    const view = await decisionOn(referred.applicationId, (s) => s === 'approved');
    expect(view).toMatchObject({ limit: cny('12000.00'), price: { priceTier: 'C' } });
    lineId = view.lineId as string;
    const drawn = await waitFor(`line ${lineId} in the ledger`, async () => {
      const id = `assets:credit-line-drawn:${lineId}`;
      return found(api('ledger').call(getAccount, { params: { id } }), [UnknownAccount]);
    });
    expect(drawn).toMatchObject({ currency: 'CNY', maxBalance: '12000.00' });
  });

  it('a referred draw approved by an operator is paid out, scheduled and posted at the tier price', async () => {
    const referred = await submitted(person, {
      kind: 'draw',
      draw: { lineId, product: 'cash-loan', amount: cny('8000.00'), periods: 12 },
    });
    expect(referred.status).toBe('referred');
    await queued(referred.applicationId);
    const approved = await api('scoring').call(approveReferral, {
      params: { applicationId: referred.applicationId },
      idempotencyKey: `e2e-approve-${referred.applicationId}`,
      body: { operator: 'ops.e2e', priceTier: 'B' },
    });
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
    const referred = await submitted(`E2ED${randomUUID().slice(0, 8)}`, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('20000.00') },
    });
    expect(referred.status).toBe('referred');
    await queued(referred.applicationId);
    const declined = await api('scoring').call(declineReferral, {
      params: { applicationId: referred.applicationId },
      idempotencyKey: `e2e-decline-${referred.applicationId}`,
      body: { operator: 'ops.e2e', reasonCode: 'REFERRAL.INCOME_NOT_VERIFIED' },
    });
    expect(declined.status).toBe(201);
    const view = await decisionOn(referred.applicationId, (s) => s === 'declined');
    expect(view.reasonCodes[0]).toBe('REFERRAL.INCOME_NOT_VERIFIED');
    expect(view.lineId ?? null).toBeNull();
  });
});
