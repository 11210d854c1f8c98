import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as routes from '@credit/api';
import { Money } from '@credit/money';
import { ApiError, type CallRequest, client } from '@credit/platform';
import { cny, strongProfile, testConsent, waitFor } from '@credit/testing';
import { apiKeys, customerOfNationalId, customerToken, type Service } from './services';

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
  portfolio: 3006,
};
export const urlOf = (service: Service) =>
  process.env[`E2E_${service.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPorts[service]}`;

/**
 * The typed client of a service with a role's key: requests are @credit/api's route input types
 * and answers are parsed with the routes' response schemas (an undeclared status throws ApiError).
 * What the happy paths of the specs call.
 */
export const api = (service: Service, role: keyof typeof apiKeys = 'operator') =>
  client(urlOf(service), { apiKey: apiKeys[role] });

/** The typed client of a service as a customer (a customer token of `customerId`). */
export const customerApi = (service: Service, customerId: string) =>
  client(urlOf(service), { apiKey: customerToken(customerId) });

/** The status a call answered, a refusal's (ApiError) too: for a spec that expects a 404 or 409. */
export async function statusOf(answer: Promise<{ status: number }>): Promise<number> {
  try {
    return (await answer).status;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

/**
 * The answer's body, or undefined when the thing is not there (yet, or ever): a 404, or a refusal
 * with one of the `absent` codes (the ledger answers an unknown account 400 LEDGER.UNKNOWN_ACCOUNT).
 */
export async function found<B>(
  answer: Promise<{ body: B }>,
  absent: readonly string[] = [],
): Promise<B | undefined> {
  try {
    return (await answer).body;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || absent.includes(error.code)))
      return undefined;
    throw error;
  }
}

export interface Reply {
  status: number;
  body: any;
}

/**
 * A raw request, for what the typed client must not send: invalid input, malformed bodies, wrong
 * keys or roles, and answers a spec reads whatever their shape. Happy paths use `api`.
 */
export async function call(
  service: Service,
  method: string,
  route: string,
  options: {
    body?: unknown;
    role?: keyof typeof apiKeys;
    /** As this customer (a customer token) instead of a role's key. */
    customer?: string;
    key?: string;
  } = {},
): Promise<Reply> {
  const credential =
    options.customer === undefined
      ? apiKeys[options.role ?? 'operator']
      : customerToken(options.customer);
  const headers: Record<string, string> = { authorization: `Bearer ${credential}` };
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

type Submission = CallRequest<typeof routes.submitApplication>['body'];
type Applicant = Submission['applicant'];
/** An application without its applicant and consent: a credit line or a draw. */
export type ApplicationRequest<S = Submission> = S extends unknown
  ? Omit<S, 'applicant' | 'consent'>
  : never;
/** An application whose consent may be left out: the tests' standard consent then. */
type SubmissionBody<S = Submission> = S extends { consent: infer C }
  ? Omit<S, 'consent'> & { consent?: C }
  : never;
export type Draw = Extract<Submission, { kind: 'draw' }>['draw'];
/** A draw without its line. */
export type DrawRequest = Omit<Draw, 'lineId'>;

/** An applicant the scorecard likes: no checking account, critical history elsewhere, savings, long employment. */
export function applicant(nationalId: string, monthlyIncome = '30000.00'): Applicant {
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

/**
 * Submits an application as its applicant's own customer (a fresh idempotency key; the standard
 * consent unless it has its own) and answers the application as submitted.
 */
export const submit = (body: SubmissionBody) =>
  customerApi('application', customerOfNationalId(body.applicant.nationalId)).call(
    routes.submitApplication,
    {
      body: { consent: testConsent(), ...body } as Submission,
      idempotencyKey: `e2e-${randomUUID()}`,
    },
  );
/** An application as its own customer sees it. */
export const applicationOf = async (id: string) => {
  const { customerId } = (await api('application').call(routes.getApplication, { params: { id } }))
    .body;
  return customerApi('application', customerId).call(routes.getApplication, { params: { id } });
};

/** Waits until the application is no longer `submitted` (or until `done` says so) and answers it. */
export const decisionOn = (id: string, done = (status: string) => status !== 'submitted') =>
  waitFor(`the decision on ${id}`, async () => {
    const view = (await applicationOf(id)).body;
    return done(view.status) ? view : undefined;
  });

/** Submits an application and waits for its decision (the application as the API shows it). */
export async function apply(
  nationalId: string,
  request: ApplicationRequest,
  monthlyIncome?: string,
) {
  const submitted = await submit({ applicant: applicant(nationalId, monthlyIncome), ...request });
  expect(submitted.status).toBe(201);
  return decisionOn(submitted.body.applicationId);
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
  request: DrawRequest,
): Promise<string> {
  const decided = await apply(nationalId, {
    kind: 'draw',
    draw: { lineId, ...request } as Draw,
  });
  expect(decided.status).toBe('approved');
  return loanIdOf(decided.applicationId);
}

/** The loan an approved draw becomes. */
export const loanIdOf = (applicationId: string) => `L-${applicationId}`;

/** A loan as an operator sees it (any customer's). */
export const loanOf = (loanId: string) =>
  api('repayment').call(routes.getLoan, { params: { id: loanId } });
/** The customer of a loan: repayments and quotes are made as them. */
const loanOwnerOf = async (loanId: string) => (await loanOf(loanId)).body.customerId;
export const waitForLoan = (loanId: string, timeoutMs?: number) =>
  waitFor(`loan ${loanId} scheduled`, () => found(loanOf(loanId)), timeoutMs);
/** Closes a business date on the repayment service (operator); closing a future date moves business time forward. */
export const close = (businessDate: string) =>
  api('repayment').call(routes.closeBusinessDay, { body: { businessDate } });
/** A repayment by the loan's own customer. */
export const repay = async (loanId: string, amount: string) =>
  customerApi('repayment', await loanOwnerOf(loanId)).call(routes.repayLoan, {
    params: { id: loanId },
    idempotencyKey: `e2e-${randomUUID()}`,
    body: { amount, currency: 'CNY' },
  });
/** A payoff quote for the loan's own customer. */
export const payoffQuote = async (loanId: string) =>
  customerApi('repayment', await loanOwnerOf(loanId)).call(routes.payoffQuote, {
    params: { id: loanId },
    query: {},
  });
/** A payout as the disbursement service shows it (operator). */
export const disbursementOf = (loanId: string) =>
  api('disbursement').call(routes.getDisbursement, { params: { loanId } });

/** The ledger's answer (400) for an account that does not exist (yet). */
export const UnknownAccount = 'LEDGER.UNKNOWN_ACCOUNT';
/** An account's balance as the ledger shows it (operator). */
export const balanceView = (account: string) =>
  api('ledger').call(routes.getBalance, { params: { id: account }, query: {} });
/** An account's posted balance, or 'none' when the account does not exist. */
export const balance = async (account: string): Promise<string> =>
  (await found(balanceView(account), [UnknownAccount]))?.balance ?? 'none';

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
  let cursor: string | undefined;
  do {
    const statement = await found(
      api('ledger').call(routes.getStatement, {
        params: { id: account },
        query: { limit: '500', cursor },
      }),
      [UnknownAccount],
    );
    if (!statement) return 'none';
    for (const line of statement.lines) {
      if (line.side === side && (about === undefined || line.description.includes(about)))
        total = total.add(Money.of(line.amount, 'CNY'));
    }
    cursor = statement.nextCursor ?? undefined;
  } while (cursor);
  return total.toString();
}

/**
 * One reconciliation run in the ledger: started with POST /v1/reconciliation/runs, followed until
 * it is no longer running. Returns the finished run with its report.
 */
export async function reconciliationRun(timeoutMs?: number) {
  const started = await api('ledger').call(routes.startReconciliation, {
    idempotencyKey: `e2e-reconcile-${randomUUID()}`,
  });
  expect(started.status).toBe(202);
  const id = started.body.id;
  return waitFor(
    `reconciliation run ${id} to finish`,
    async () => {
      const run = (await api('ledger').call(routes.getReconciliationRun, { params: { id } })).body;
      return run.status === 'running' ? undefined : run;
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
  const trial = (await api('ledger').call(routes.trialBalance, { query: {} })).body;
  const net = trial.accounts.reduce(
    (sum, a) => sum.add(Money.of(a.balance, 'CNY')),
    Money.zero('CNY'),
  );
  expect(net.toString()).toBe('0.00');
  const exported = await api('ledger').stream(routes.exportJournal, {
    query: { format: 'hledger' },
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
