import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Money } from '@credit/money';
import { cny, strongProfile, testConsent, waitFor } from '@credit/testing';
import { apiKeys, type Service } from './services';

/**
 * The running platform through its public HTTP APIs, for the e2e specs. Set by
 * tools/scripts/test.sh for the services it started; defaults are the `npm start` ports.
 */
const defaultPorts: Record<Service, number> = {
  application: 3001,
  scoring: 3002,
  disbursement: 3003,
  repayment: 3004,
  ledger: 3005,
};
export const urlOf = (service: Service) =>
  process.env[`E2E_${service.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPorts[service]}`;

export interface Reply {
  status: number;
  body: any;
}

export async function call(
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

/** An applicant the scorecard likes: no checking account, critical history elsewhere, savings, long employment. */
export function applicant(nationalId: string, monthlyIncome = '30000.00') {
  return {
    name: 'Li Lei',
    nationalId,
    phone: '+8613800138000',
    age: 40,
    monthlyIncome: cny(monthlyIncome),
    monthlyDebtPayments: cny('0.00'),
    profile: { ...strongProfile, purpose: 'radio/tv', employmentSince: '>=7' },
  };
}

/** Submits an application and waits for its decision (the application as the API shows it). */
export async function apply(
  nationalId: string,
  request: Record<string, unknown>,
  monthlyIncome?: string,
): Promise<any> {
  const submitted = await call('application', 'POST', '/v1/applications', {
    role: 'customer',
    key: `e2e-${randomUUID()}`,
    body: { applicant: applicant(nationalId, monthlyIncome), consent: testConsent(), ...request },
  });
  expect(submitted.status).toBe(201);
  const id = submitted.body.applicationId as string;
  return waitFor(`the decision on ${id}`, async () => {
    const view = await call('application', 'GET', `/v1/applications/${id}`, { role: 'customer' });
    return view.body.status !== 'submitted' ? view.body : undefined;
  });
}

export async function openLine(nationalId: string): Promise<string> {
  const line = await apply(nationalId, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('50000.00') },
  });
  expect(line.status).toBe('approved');
  return line.lineId as string;
}

export async function draw(
  nationalId: string,
  lineId: string,
  request: Record<string, unknown>,
): Promise<string> {
  const decided = await apply(nationalId, { kind: 'draw', draw: { lineId, ...request } });
  expect(decided.status).toBe('approved');
  return loanIdOf(decided.applicationId as string);
}

/** The loan an approved draw becomes. */
export const loanIdOf = (applicationId: string) => `L-${applicationId}`;

export const loanOf = (loanId: string) =>
  call('repayment', 'GET', `/v1/loans/${loanId}`, { role: 'customer' });
export const waitForLoan = (loanId: string, timeoutMs?: number) =>
  waitFor(
    `loan ${loanId} scheduled`,
    async () => {
      const reply = await loanOf(loanId);
      return reply.status === 200 ? reply.body : undefined;
    },
    timeoutMs,
  );
/** Closes a business date on the repayment service (operator); closing a future date moves business time forward. */
export const close = (businessDate: string) =>
  call('repayment', 'POST', '/v1/close-of-business', { body: { businessDate } });
export const repay = (loanId: string, amount: string) =>
  call('repayment', 'POST', `/v1/loans/${loanId}/repayments`, {
    role: 'customer',
    key: `e2e-${randomUUID()}`,
    body: { amount, currency: 'CNY' },
  });
export const payoffQuote = (loanId: string) =>
  call('repayment', 'POST', `/v1/loans/${loanId}/payoff-quote`, { role: 'customer' });

export const balance = async (account: string): Promise<string> => {
  const reply = await call('ledger', 'GET', `/v1/accounts/${account}/balance`);
  return reply.status === 200 ? (reply.body.balance as string) : 'none';
};

/**
 * The sum of one side of an account's statement (all pages); with `about`, only of the lines whose
 * entry description contains it (e.g. `loan L-1`: one loan's lines on a shared account).
 */
export async function sideTotal(
  account: string,
  side: 'debit' | 'credit',
  about?: string,
): Promise<string> {
  let total = Money.zero('CNY');
  let cursor: string | null = null;
  do {
    const reply: Reply = await call(
      'ledger',
      'GET',
      `/v1/accounts/${account}/statement?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (reply.status !== 200) return 'none';
    for (const line of reply.body.lines as {
      side: string;
      amount: string;
      description: string;
    }[]) {
      if (line.side === side && (about === undefined || line.description.includes(about)))
        total = total.add(Money.of(line.amount, 'CNY'));
    }
    cursor = reply.body.nextCursor as string | null;
  } while (cursor);
  return total.toString();
}

/**
 * One reconciliation run in the ledger: started with POST /v1/reconciliation/runs, followed until
 * it is no longer running. Returns the finished run with its report.
 */
export async function reconciliationRun(timeoutMs?: number) {
  const started = await call('ledger', 'POST', '/v1/reconciliation/runs', {
    key: `e2e-reconcile-${randomUUID()}`,
  });
  expect(started.status).toBe(202);
  const id = started.body.id as string;
  return waitFor(
    `reconciliation run ${id} to finish`,
    async () => {
      const run = await call('ledger', 'GET', `/v1/reconciliation/runs/${id}`);
      return run.body.status === 'running' ? undefined : run.body;
    },
    timeoutMs,
  );
}

/** Waits until the ledger has posted everything the services published and a run finds no break. */
export const reconciled = (timeoutMs?: number) =>
  waitFor(
    'the books to reconcile',
    async () => {
      const run = await reconciliationRun(timeoutMs);
      return run.status === 'completed' && run.report?.ok === true ? run.report : undefined;
    },
    timeoutMs,
    1_000,
  );

/**
 * The trial balance nets to zero, and the journal exported for hledger passes `hledger check` and
 * gives every account the trial balance's balance. Returns the number of accounts compared.
 */
export async function expectBooksAgreeWithHledger(): Promise<number> {
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
  expect(exported.status).toBe(200);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'books-')), 'books.journal');
  writeFileSync(file, await exported.text());
  execFileSync('hledger', ['-f', file, 'check']);
  const csv = execFileSync(
    'hledger',
    ['-f', file, 'balance', '-O', 'csv', '--flat', '--no-total'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
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
  const nonZero = trial.accounts.filter((a) => a.balance !== '0.00');
  const disagreements = nonZero
    .map(({ account, balance: amount }) => ({
      account,
      trial: amount,
      hledger: fromHledger.get(account),
    }))
    .filter((row) => row.trial !== row.hledger);
  expect(disagreements).toEqual([]);
  return nonZero.length;
}
