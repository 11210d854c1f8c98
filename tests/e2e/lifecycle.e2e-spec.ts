import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '@credit/lending-math';
import { Money } from '@credit/money';
import { apiKeys, type Service } from '../support/services';

/**
 * The whole lifecycle through public APIs only: apply → score → approve → disburse → post →
 * schedule → repay → accrue → overdue → penalty → pay off, or charge off → recover; then the
 * books reconcile. Scenarios run in order: closing business dates moves business time forward
 * for every loan, so each scenario starts where the previous one left time.
 */
const defaultPorts: Record<Service, number> = {
  application: 3001,
  scoring: 3002,
  disbursement: 3003,
  repayment: 3004,
  ledger: 3005,
};
const urlOf = (service: Service) =>
  process.env[`E2E_${service.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPorts[service]}`;

interface Reply {
  status: number;
  body: any;
}

async function call(
  service: Service,
  method: string,
  route: string,
  options: { body?: unknown; role?: keyof typeof apiKeys; key?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKeys[options.role ?? 'operator']}`,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) headers['idempotency-key'] = options.key;
  const response = await fetch(`${urlOf(service)}${route}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body:
      text && (response.headers.get('content-type') ?? '').includes('json')
        ? JSON.parse(text)
        : text,
  };
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** An applicant the scorecard likes: no checking account, critical history elsewhere, savings, long employment. */
function applicant(nationalId: string) {
  return {
    name: 'Li Lei',
    nationalId,
    phone: '+8613800138000',
    age: 40,
    monthlyIncome: cny('30000.00'),
    monthlyDebtPayments: cny('0.00'),
    profile: {
      checkingStatus: 'no checking',
      creditHistory: 'critical/other existing credit',
      purpose: 'radio/tv',
      savingsStatus: '>=1000',
      employmentSince: '>=7',
      installmentRatePercent: 2,
      otherParties: 'none',
      residenceSince: 4,
      propertyMagnitude: 'real estate',
      otherPaymentPlans: 'none',
      housing: 'own',
      existingCredits: 1,
      job: 'skilled',
      dependents: 1,
      ownTelephone: 'yes',
    },
  };
}

async function apply(nationalId: string, request: Record<string, unknown>): Promise<any> {
  const submitted = await call('application', 'POST', '/v1/applications', {
    role: 'customer',
    key: `e2e-${randomUUID()}`,
    body: { applicant: applicant(nationalId), ...request },
  });
  expect(submitted.status).toBe(201);
  const id = submitted.body.applicationId as string;
  return eventually(`the decision on ${id}`, async () => {
    const view = await call('application', 'GET', `/v1/applications/${id}`, { role: 'customer' });
    return view.body.status !== 'submitted' ? view.body : undefined;
  });
}

async function openLine(nationalId: string): Promise<string> {
  const line = await apply(nationalId, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('50000.00') },
  });
  expect(line.status).toBe('approved');
  return line.lineId as string;
}

async function draw(
  nationalId: string,
  lineId: string,
  request: Record<string, unknown>,
): Promise<string> {
  const decided = await apply(nationalId, { kind: 'draw', draw: { lineId, ...request } });
  expect(decided.status).toBe('approved');
  return `L-${decided.applicationId as string}`;
}

const loanOf = (loanId: string) =>
  call('repayment', 'GET', `/v1/loans/${loanId}`, { role: 'customer' });
const waitForLoan = (loanId: string) =>
  eventually(`loan ${loanId} scheduled`, async () =>
    (await loanOf(loanId)).status === 200 ? (await loanOf(loanId)).body : undefined,
  );
const close = (businessDate: string) =>
  call('repayment', 'POST', '/v1/close-of-business', { body: { businessDate } });
const repay = (loanId: string, amount: string) =>
  call('repayment', 'POST', `/v1/loans/${loanId}/repayments`, {
    role: 'customer',
    key: `e2e-${randomUUID()}`,
    body: { amount, currency: 'CNY' },
  });
const balance = async (account: string): Promise<string> => {
  const reply = await call('ledger', 'GET', `/v1/accounts/${account}/balance`);
  return reply.status === 200 ? (reply.body.balance as string) : 'none';
};
/** The sum of one side of an account's statement (all pages). */
async function sideTotal(account: string, side: 'debit' | 'credit'): Promise<string> {
  let total = Money.zero('CNY');
  let cursor: string | null = null;
  do {
    const reply: Reply = await call(
      'ledger',
      'GET',
      `/v1/accounts/${account}/statement?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (reply.status !== 200) return 'none';
    for (const line of reply.body.lines as { side: string; amount: string }[]) {
      if (line.side === side) total = total.add(Money.of(line.amount, 'CNY'));
    }
    cursor = reply.body.nextCursor as string | null;
  } while (cursor);
  return total.toString();
}
/** Waits until the ledger has posted everything the services published and the books reconcile. */
const reconciled = () =>
  eventually('the books to reconcile', async () => {
    const report = await call('ledger', 'GET', '/v1/reconciliation');
    return report.body.ok === true ? report.body : undefined;
  });

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
    const start = loan.terms.startDate as string;
    await close(addDays(start, 9));
    const quote = await call('repayment', 'POST', `/v1/loans/${loanId}/payoff-quote`, {
      role: 'customer',
    });
    const dailyInterest = Money.of('10000.00', 'CNY').multiply(loan.terms.dailyRate, 'HALF_EVEN');
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
    const firstDue = loan.installments[0].dueDate as string;
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
    expect(await sideTotal('income:recovery', 'credit')).not.toBe('0.00');
  });

  it('a payout that fails: the loan is cancelled and nothing is receivable in the ledger', async () => {
    const drawnBefore = await call(
      'ledger',
      'GET',
      `/v1/accounts/assets:credit-line-drawn:${lineB}/balance`,
    );
    const decided = await apply(customerB, {
      kind: 'draw',
      draw: { lineId: lineB, product: 'cash-loan', amount: cny('4040.40'), periods: 3 },
    });
    expect(decided.status).toBe('approved');
    const loanId = `L-${decided.applicationId as string}`;
    const failed = await eventually('the failed payout', async () => {
      const reply = await call('disbursement', 'GET', `/v1/disbursements/${loanId}`);
      return reply.body.state === 'failed' ? reply.body : undefined;
    });
    expect(failed.history.map((h: { state: string }) => h.state)).toEqual([
      'created',
      'limit-reserved',
      'paying',
      'failed',
    ]);
    expect((await loanOf(loanId)).status).toBe(404);
    expect(await balance(`assets:loans:principal:${loanId}`)).toBe('none');
    // The hold on the line was voided: the limit is back where it was.
    const drawnAfter = await call(
      'ledger',
      'GET',
      `/v1/accounts/assets:credit-line-drawn:${lineB}/balance`,
    );
    expect(drawnAfter.body).toMatchObject({
      balance: drawnBefore.body.balance,
      pendingDebits: '0.00',
      availableToDebit: drawnBefore.body.availableToDebit,
    });
  });

  it('the books reconcile, the trial balance is zero and hledger agrees with it', async () => {
    const report = await reconciled();
    // The ledger also reconciles on its own every business day and keeps the verdict.
    const today = new Date().toISOString().slice(0, 10);
    await eventually('a clean daily reconciliation run', async () => {
      const runs = (await call('ledger', 'GET', '/v1/reconciliation/runs')).body.runs as {
        businessDate: string;
        ok: boolean;
      }[];
      return runs.find((run) => run.businessDate === today && run.ok);
    });
    expect(report.trialBalance.balanced).toBe(true);
    const trial = (await call('ledger', 'GET', '/v1/trial-balance')).body as {
      accounts: { account: string; balance: string }[];
    };
    const net = trial.accounts.reduce(
      (sum, a) => sum.add(Money.of(a.balance, 'CNY')),
      Money.zero('CNY'),
    );
    expect(net.toString()).toBe('0.00');
    const exported = await fetch(`${urlOf('ledger')}/v1/journal/export?format=hledger`, {
      headers: { authorization: `Bearer ${apiKeys.operator}` },
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'books-')), 'books.journal');
    writeFileSync(file, await exported.text());
    execFileSync('hledger', ['-f', file, 'check']);
    const csv = execFileSync(
      'hledger',
      ['-f', file, 'balance', '-O', 'csv', '--flat', '--no-total'],
      { encoding: 'utf8' },
    );
    const fromHledger = new Map(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('","').map((cell) => cell.replace(/"/g, '')))
        .map(([account, amount]) => [
          account ?? '',
          Money.of((amount ?? '0').replace(/ CNY$/, ''), 'CNY').toString(),
        ]),
    );
    for (const { account, balance: amount } of trial.accounts.filter((a) => a.balance !== '0.00')) {
      expect({ account, hledger: fromHledger.get(account) }).toEqual({ account, hledger: amount });
    }
  });
});
