import { randomUUID } from 'node:crypto';
import { addDays } from '@credit/lending-math';
import { Money } from '@credit/money';
import { cny, waitFor } from '@credit/testing';
import { listReconciliationRuns, scoringLineExposure } from '@credit/api';
import {
  type DrawRequest,
  api,
  apply,
  balance,
  balanceView,
  close,
  disbursementOf,
  draw,
  expectBooksAgreeWithHledger,
  found,
  loanIdOf,
  loanOf,
  openLine,
  payoffQuote,
  reconciled,
  repay,
  sideTotal,
  statusOf,
  waitForLoan,
} from '../support/platform-api';

/**
 * The whole lifecycle through public APIs only: apply → score → approve → disburse → post →
 * schedule → repay → accrue → overdue → penalty → pay off, or charge off → recover; then the
 * books reconcile. Scenarios run in order: closing business dates moves business time forward
 * for every loan, so each scenario starts where the previous one left time.
 */
describe('the credit lifecycle, end to end', () => {
  const customerA = `E2EA${randomUUID().slice(0, 8)}`;
  const customerB = `E2EB${randomUUID().slice(0, 8)}`;
  let lineA: string;
  let lineB: string;

  beforeAll(async () => {
    lineA = await openLine(customerA);
    lineB = await openLine(customerB);
  });

  it('cash loan repaid early: interest only for the days used', async () => {
    const loanId = await draw(customerB, lineB, {
      product: 'cash-loan',
      amount: cny('10000.00'),
      periods: 3,
    });
    const loan = await waitForLoan(loanId);
    const start = loan.terms.startDate;
    await close(addDays(start, 9));
    const quote = await payoffQuote(loanId);
    const dailyInterest = Money.of('10000.00', 'CNY').multiply(
      loan.terms.dailyRate as string,
      'HALF_EVEN',
    );
    expect(quote.body.interest).toBe(dailyInterest.multiply('10', 'HALF_EVEN').toString());
    const paid = await repay(loanId, quote.body.total);
    expect(paid.body).toMatchObject({ payoff: true, loanStatus: 'paid-off' });
    await reconciled();
    expect(await balance(`assets:loans:principal:${loanId}`)).toBe('0.00');
    expect(await balance(`assets:receivable:interest:${loanId}`)).toBe('0.00');
    expect(await sideTotal(`assets:receivable:interest:${loanId}`, 'debit')).toBe(
      quote.body.interest,
    );
  });

  it('installment purchase of 1,000 in 3 periods paid on time: fee income booked, nothing receivable at the end', async () => {
    const loanId = await draw(customerA, lineA, {
      product: 'installment-purchase',
      amount: cny('1000.00'),
      periods: 3,
      merchantId: 'M-E2E',
      feePayer: 'buyer',
    });
    const loan = await waitForLoan(loanId);
    expect(loan.installments.map((i: { total: string }) => i.total)).toEqual([
      '341.66',
      '341.66',
      '341.68',
    ]);
    for (const installment of loan.installments as { dueDate: string; total: string }[]) {
      await close(addDays(installment.dueDate, -1));
      const paid = await repay(loanId, installment.total);
      expect({ status: paid.status, overpayment: paid.body.allocation?.overpayment }).toEqual({
        status: 201,
        overpayment: '0.00',
      });
    }
    expect((await loanOf(loanId)).body.status).toBe('paid-off');
    await reconciled();
    // Paid on time: no penalty was ever assessed, so the loan has no penalty account at all.
    expect(await balance(`assets:receivable:penalty:${loanId}`)).toBe('none');
    for (const root of ['assets:loans:principal', 'assets:receivable:fee']) {
      expect({ root, balance: await balance(`${root}:${loanId}`) }).toEqual({
        root,
        balance: '0.00',
      });
    }
    expect(await sideTotal(`assets:receivable:fee:${loanId}`, 'debit')).toBe('25.00');
  });

  it('a loan 95 days past due with penalties, charged off at the threshold, then partly recovered', async () => {
    const loanId = await draw(customerA, lineA, {
      product: 'cash-loan',
      amount: cny('2000.00'),
      periods: 3,
    });
    const loan = await waitForLoan(loanId);
    const firstDue = loan.installments[0]?.dueDate as string;
    await close(addDays(firstDue, 94));
    const late = (await loanOf(loanId)).body;
    expect(late).toMatchObject({ daysPastDue: 95, delinquencyBucket: '90+', status: 'active' });
    expect(late.outstanding.penalty).not.toBe('0.00');
    await close(addDays(firstDue, 180));
    expect((await loanOf(loanId)).body.status).toBe('charged-off');
    const recovery = await repay(loanId, '300.00');
    expect(recovery.body.allocation.recovery).toBe('300.00');
    await reconciled();
    for (const root of [
      'assets:loans:principal',
      'assets:receivable:interest',
      'assets:receivable:penalty',
    ]) {
      expect({ root, balance: await balance(`${root}:${loanId}`) }).toEqual({
        root,
        balance: '0.00',
      });
    }
    // income:recovery is shared by every loan: this loan's own recovery entry credited it.
    expect(await sideTotal('income:recovery', 'credit', `charged-off loan ${loanId}`)).toBe(
      '300.00',
    );
  });

  it('a payout that fails: the loan is cancelled and nothing is receivable in the ledger', async () => {
    const drawnBefore = await balanceView(`assets:credit-line-drawn:${lineB}`);
    const decided = await apply(customerB, {
      kind: 'draw',
      draw: { lineId: lineB, product: 'cash-loan', amount: cny('4040.40'), periods: 3 },
    });
    expect(decided.status).toBe('approved');
    const loanId = loanIdOf(decided.applicationId);
    const failed = await waitFor('the failed payout', async () => {
      const payout = await found(disbursementOf(loanId));
      return payout?.state === 'failed' ? payout : undefined;
    });
    expect(failed.history.map((h) => h.state)).toEqual([
      'created',
      'paying',
      'limit-reserved',
      'failed',
    ]);
    expect(await statusOf(loanOf(loanId))).toBe(404);
    expect(await balance(`assets:loans:principal:${loanId}`)).toBe('none');
    // The hold on the line was voided: the limit is back where it was.
    const drawnAfter = await balanceView(`assets:credit-line-drawn:${lineB}`);
    expect(drawnAfter.body).toMatchObject({
      balance: drawnBefore.body.balance,
      pendingDebits: '0.00',
      availableToDebit: drawnBefore.body.availableToDebit,
    });
  });

  it('the line revolves: drawn in full, paid off, drawn in full again', async () => {
    const customerC = `E2EC${randomUUID().slice(0, 8)}`;
    const line = await apply(customerC, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny('6000.00') },
    });
    expect(line.status).toBe('approved');
    const lineC = line.lineId as string;
    const cash: DrawRequest = { product: 'cash-loan', amount: cny('6000.00'), periods: 3 };
    const first = await draw(customerC, lineC, cash);
    await waitForLoan(first);
    const full = await apply(customerC, {
      kind: 'draw',
      draw: { lineId: lineC, product: 'cash-loan', amount: cny('100.00'), periods: 3 },
    });
    expect(full.status).toBe('declined');

    const quote = await payoffQuote(first);
    const paid = await repay(first, quote.body.total);
    expect(paid.body).toMatchObject({ payoff: true, loanStatus: 'paid-off' });
    // Scoring's view and the ledger's memorandum account both give the whole line back.
    const exposure = await waitFor('scoring to see the line repaid', async () => {
      const view = await api('scoring').call(scoringLineExposure, { params: { lineId: lineC } });
      return view.body.available?.amount === '6000.00' ? view.body : undefined;
    });
    expect(exposure).toMatchObject({
      limit: cny('6000.00'),
      principalOutstanding: cny('0.00'),
      drawsInFlight: cny('0.00'),
    });
    await waitFor('the ledger to release the line', async () =>
      (await balance(`assets:credit-line-drawn:${lineC}`)) === '0.00' ? true : undefined,
    );

    const again = await draw(customerC, lineC, cash);
    expect((await waitForLoan(again)).status).toBe('active');
  });

  it('the books reconcile, the trial balance is zero and hledger agrees with it', async () => {
    const report = await reconciled();
    // The ledger also reconciles on its own every business day and keeps the verdict.
    const today = new Date().toISOString().slice(0, 10);
    await waitFor('a clean daily reconciliation run', async () => {
      const { runs } = (await api('ledger').call(listReconciliationRuns, {})).body;
      return runs.find((run) => run.trigger === 'daily' && run.businessDate === today && run.ok);
    });
    expect(report.trialBalance.balanced).toBe(true);
    await expectBooksAgreeWithHledger();
  });
});
