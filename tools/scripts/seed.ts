// Demo data for `npm start`, through the public APIs only, idempotent by fixed keys: running it
// again (every start) answers from the first run and creates nothing twice. It shows the whole
// lifecycle an operator wants to see: credit lines (one declined), a purchase in installments
// paid on time and then late, a purchase paid off, a cash loan accruing daily interest, a cash
// loan left unpaid (past due, penalty accruing) and a payout the bank declines. Business time
// moves by closing business dates (`POST /v1/close-of-business`), from the date the draws are
// made to five days after the purchase's second installment fell due (about two months). Every
// answer is checked: the seed fails loudly, naming the step, instead of printing a story the
// platform did not tell. Every call goes through the typed client with @credit/api's routes: the
// requests are the routes' input types and every answer is parsed with its response schema.

import {
  closeBusinessDay,
  getApplication,
  getDisbursement,
  getLoan,
  payoffQuote,
  repayLoan,
  submitApplication,
  trialBalance,
} from '@credit/api';
import { Money } from '@credit/money';
import {
  type AnyRoute,
  ApiError,
  type CallAnswer,
  type CallRequest,
  client,
  customerOfNationalIdIn,
  mintToolCustomerToken,
} from '@credit/platform';

export type DemoService = 'application' | 'disbursement' | 'repayment' | 'ledger';

const DefaultPorts: Record<DemoService, number> = {
  application: 3001,
  disbursement: 3003,
  repayment: 3004,
  ledger: 3005,
};

export interface DemoOptions {
  /** Base URL of each service; `npm start`'s ports by default. */
  readonly urlOf?: (service: DemoService) => string;
  /** The operator's API key; OPERATOR_API_KEY or the development key by default. */
  readonly operatorKey?: string;
  /**
   * A customer's token; by default signed with CUSTOMER_TOKEN_SIGNING_KEY (the development key
   * unless set), for the customer APPLICATION_CUSTOMER_ID_PEPPER makes of a national ID.
   */
  readonly customerToken?: (customerId: string) => string;
  /** Prefix of every idempotency key and national id, so a test can seed a second, separate demo. */
  readonly prefix?: string;
  readonly timeoutMs?: number;
}

/** What the demo made, as the platform reports it at the end. */
export interface DemoReport {
  readonly businessDate: string;
  readonly daysClosed: number;
  readonly lines: {
    readonly customer: string;
    readonly status: string;
    readonly lineId: string | null;
  }[];
  readonly loans: {
    readonly customer: string;
    readonly story: string;
    readonly loanId: string;
    readonly status: string;
    readonly daysPastDue: number;
    readonly outstanding: Record<string, string>;
    readonly paid: Record<string, string>;
  }[];
  readonly failedPayout: {
    readonly loanId: string;
    readonly state: string;
    readonly reason: string;
  };
  readonly trialBalanced: boolean;
}

type Submission = CallRequest<typeof submitApplication>['body'];
type Applicant = Submission['applicant'];
/** An application without its applicant: a credit line or a draw. */
type ApplicationRequest<S = Submission> = S extends unknown
  ? Omit<S, 'applicant' | 'consent'>
  : never;
type Draw = Extract<Submission, { kind: 'draw' }>['draw'];
type LoanView = CallAnswer<typeof getLoan>['body'];
type Installment = LoanView['installments'][number];

class DemoError extends Error {
  /** The status the platform answered, when the step failed on an answer. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });
/** The consent each demo application carries (the purposes and the consent text version). */
const DemoConsent: Submission['consent'] = {
  purposes: ['credit-assessment', 'loan-servicing'],
  textVersion: '2026-01',
};

function applicant(name: string, nationalId: string, good: boolean): Applicant {
  return {
    name,
    nationalId,
    phone: '+8613900000000',
    age: 35,
    monthlyIncome: cny(good ? '25000.00' : '3000.00'),
    monthlyDebtPayments: cny(good ? '0.00' : '1200.00'),
    profile: {
      checkingStatus: good ? 'no checking' : '<0',
      creditHistory: good ? 'critical/other existing credit' : 'delayed previously',
      purpose: good ? 'radio/tv' : 'education',
      savingsStatus: good ? '>=1000' : '<100',
      employmentSince: good ? '>=7' : 'unemployed',
      installmentRatePercent: good ? 2 : 4,
      otherParties: 'none',
      residenceSince: good ? 4 : 1,
      propertyMagnitude: good ? 'real estate' : 'no known property',
      otherPaymentPlans: good ? 'none' : 'bank',
      housing: good ? 'own' : 'rent',
      existingCredits: 1,
      job: 'skilled',
      dependents: 1,
      ownTelephone: good ? 'yes' : 'none',
    },
  };
}

/** Runs the demo (or answers from an earlier run) and returns what the platform then reports. */
export async function seedDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const urlOf =
    options.urlOf ?? ((service: DemoService) => `http://127.0.0.1:${DefaultPorts[service]}`);
  const operatorKey =
    options.operatorKey ?? process.env.OPERATOR_API_KEY ?? 'dev-operator-key-0000000000000001';
  const customerToken =
    options.customerToken ??
    ((customerId: string) => mintToolCustomerToken(process.env, customerId));
  /** The customer an applicant is (the application service derives it from the national ID). */
  const customerOf = (who: Applicant) => customerOfNationalIdIn(process.env, who.nationalId);
  const prefix = options.prefix ?? 'seed';
  const timeoutMs = options.timeoutMs ?? 60_000;

  /** The route's answer (a success it declares); otherwise the seed stops, naming the step. */
  async function call<T extends AnyRoute>(
    step: string,
    service: DemoService,
    route: T,
    request: CallRequest<T>,
    as: 'operator' | { readonly customer: string },
  ) {
    const apiKey = as === 'operator' ? operatorKey : customerToken(as.customer);
    try {
      return (await client(urlOf(service), { apiKey }).call(route, request)).body;
    } catch (error) {
      if (error instanceof ApiError)
        throw new DemoError(
          `seed: ${step} answered ${error.status}: ${JSON.stringify(error.body)}`,
          error.status,
        );
      throw error;
    }
  }

  /** A call's answer, or undefined while the thing is not there yet (404). */
  async function whenThere<B>(answer: Promise<B>): Promise<B | undefined> {
    try {
      return await answer;
    } catch (error) {
      if (error instanceof DemoError && error.status === 404) return undefined;
      throw error;
    }
  }

  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new DemoError(`seed: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function apply(key: string, who: Applicant, request: ApplicationRequest) {
    const customer = { customer: customerOf(who) };
    const submitted = await call(
      `application ${key}`,
      'application',
      submitApplication,
      {
        body: { applicant: who, consent: DemoConsent, ...request },
        idempotencyKey: `${prefix}-${key}`,
      },
      customer,
    );
    const id = submitted.applicationId;
    return eventually(`the decision on ${key}`, async () => {
      const view = await call(
        `reading application ${id}`,
        'application',
        getApplication,
        { params: { id } },
        customer,
      );
      return view.status === 'submitted' ? undefined : view;
    });
  }

  async function approvedLine(key: string, who: Applicant, limit: string): Promise<string> {
    const line = await apply(key, who, {
      kind: 'credit-line',
      creditLine: { requestedLimit: cny(limit) },
    });
    if (line.status !== 'approved' || !line.lineId)
      throw new DemoError(`seed: the credit line ${key} was ${line.status}, not approved`);
    return line.lineId;
  }

  const loanOf = (loanId: string) =>
    call(`reading loan ${loanId}`, 'repayment', getLoan, { params: { id: loanId } }, 'operator');

  /** An approved draw, paid out and scheduled: its loan as the repayment service shows it. */
  async function draw(key: string, who: Applicant, request: Draw) {
    const decided = await apply(key, who, { kind: 'draw', draw: request });
    if (decided.status !== 'approved')
      throw new DemoError(`seed: the draw ${key} was ${decided.status}, not approved`);
    const loanId = `L-${decided.applicationId}`;
    return eventually(`loan ${loanId} to be scheduled`, () => whenThere(loanOf(loanId)));
  }

  async function businessDate(loanId: string): Promise<string> {
    return (await loanOf(loanId)).businessDate;
  }

  let daysClosed = 0;
  /** Closes every business date from the current one through `last` (none if already past). */
  async function closeThrough(anyLoan: string, last: string): Promise<void> {
    for (let date = await businessDate(anyLoan); date <= last; date = addDays(date, 1)) {
      const closed = await call(
        `close of business ${date}`,
        'repayment',
        closeBusinessDay,
        { body: { businessDate: date } },
        'operator',
      );
      if (closed.businessDate !== date)
        throw new DemoError(`seed: closing ${date} closed ${closed.businessDate}`);
      daysClosed += 1;
    }
  }

  /** A repayment by the loan's own customer. */
  async function repay(step: string, loanId: string, amount: string, key: string) {
    const { customerId } = await loanOf(loanId);
    return call(
      step,
      'repayment',
      repayLoan,
      { params: { id: loanId }, body: cny(amount), idempotencyKey: `${prefix}-${key}` },
      { customer: customerId },
    );
  }

  /** Pays what is due on the loan now (past-due penalty included), on the current business date. */
  async function payDue(step: string, loanId: string, key: string) {
    const loan = await loanOf(loanId);
    if (!loan.nextDue) throw new DemoError(`seed: ${step}: loan ${loanId} has nothing due`);
    const amount = addMoney(loan.nextDue.amount, loan.outstanding.penalty);
    return repay(step, loanId, amount, key);
  }

  // Customers and their lines (`npm start`'s national ids are DEMO…; a test's carry its prefix).
  const idPrefix = prefix === 'seed' ? 'DEMO' : `${prefix}-`;
  const wang = applicant('Wang Fang', `${idPrefix}110101199001011234`, true);
  const zhang = applicant('Zhang Wei', `${idPrefix}310101198505052345`, true);
  const chen = applicant('Chen Jing', `${idPrefix}510101199203034567`, true);
  const liu = applicant('Liu Yang', `${idPrefix}440101200001013456`, false);
  const lines: DemoReport['lines'] = [];
  const wangLine = await approvedLine('wang-line', wang, '20000.00');
  const zhangLine = await approvedLine('zhang-line', zhang, '30000.00');
  const chenLine = await approvedLine('chen-line', chen, '10000.00');
  lines.push(
    { customer: 'Wang Fang', status: 'approved', lineId: wangLine },
    { customer: 'Zhang Wei', status: 'approved', lineId: zhangLine },
    { customer: 'Chen Jing', status: 'approved', lineId: chenLine },
  );
  const declined = await apply('liu-line', liu, {
    kind: 'credit-line',
    creditLine: { requestedLimit: cny('50000.00') },
  });
  if (declined.status !== 'declined')
    throw new DemoError(`seed: Liu Yang's line was ${declined.status}, not declined`);
  lines.push({ customer: 'Liu Yang', status: 'declined', lineId: null });

  // The draws, all on the same business date.
  const purchase = await draw('wang-purchase', wang, {
    lineId: wangLine,
    product: 'installment-purchase',
    amount: cny('3000.00'),
    periods: 6,
    merchantId: 'M-DEMO-SHOP',
    feePayer: 'buyer',
  });
  const phone = await draw('wang-phone', wang, {
    lineId: wangLine,
    product: 'installment-purchase',
    amount: cny('1200.00'),
    periods: 3,
    merchantId: 'M-DEMO-SHOP',
    feePayer: 'merchant',
  });
  const cash = await draw('zhang-cash', zhang, {
    lineId: zhangLine,
    product: 'cash-loan',
    amount: cny('5000.00'),
    periods: 6,
  });
  const unpaid = await draw('chen-cash', chen, {
    lineId: chenLine,
    product: 'cash-loan',
    amount: cny('2000.00'),
    periods: 3,
  });
  const declinedPayout = await apply('zhang-declined-payout', zhang, {
    kind: 'draw',
    draw: { lineId: zhangLine, product: 'cash-loan', amount: cny('4040.40'), periods: 3 },
  });
  if (declinedPayout.status !== 'approved')
    throw new DemoError(`seed: the 4040.40 draw was ${declinedPayout.status}, not approved`);
  const failedLoanId = `L-${declinedPayout.applicationId}`;
  const failed = await eventually(`the declined payout of ${failedLoanId}`, async () => {
    const payout = await whenThere(
      call(
        `reading the payout of ${failedLoanId}`,
        'disbursement',
        getDisbursement,
        { params: { loanId: failedLoanId } },
        'operator',
      ),
    );
    return payout?.state === 'failed' ? payout : undefined;
  });

  // The phone is paid off at once: the payoff quote, paid in full, closes the loan.
  if ((await loanOf(phone.id)).status === 'active') {
    const quote = await call(
      `payoff quote of ${phone.id}`,
      'repayment',
      payoffQuote,
      { params: { id: phone.id }, query: {} },
      { customer: customerOf(wang) },
    );
    await repay(`paying off ${phone.id}`, phone.id, quote.total, 'wang-phone-payoff');
  }

  // Business time: installments paid on their due dates, the purchase's second one five days
  // late (its penalty first); Chen Jing never pays.
  const payments = [
    { loan: purchase, period: 1, daysLate: 0, key: 'wang-purchase-1' },
    { loan: cash, period: 1, daysLate: 0, key: 'zhang-cash-1' },
    { loan: cash, period: 2, daysLate: 0, key: 'zhang-cash-2' },
    { loan: purchase, period: 2, daysLate: 5, key: 'wang-purchase-2' },
  ]
    .map((p) => ({
      ...p,
      on: addDays(requireInstallment(p.loan, p.period - 1).dueDate, p.daysLate),
    }))
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.daysLate - b.daysLate));
  for (const { loan, period, daysLate, key, on } of payments) {
    await closeThrough(loan.id, addDays(on, -1));
    const installment = requireInstallment(await loanOf(loan.id), period - 1);
    if (installment.status !== 'paid')
      await payDue(
        `paying installment ${period} of ${loan.id} ${daysLate === 0 ? 'on its due date' : `${daysLate} days late`}`,
        loan.id,
        key,
      );
  }

  // What the platform reports now; every claim the demo makes is checked against it.
  const story = async (customer: string, what: string, loanId: string) => {
    const loan = await loanOf(loanId);
    const paid = { principal: '0.00', interest: '0.00', fee: '0.00' };
    for (const i of loan.installments) {
      paid.principal = addMoney(paid.principal, i.paid.principal);
      paid.interest = addMoney(paid.interest, i.paid.interest);
      paid.fee = addMoney(paid.fee, i.paid.fee);
    }
    return {
      customer,
      story: what,
      loanId,
      status: loan.status,
      daysPastDue: loan.daysPastDue,
      outstanding: loan.outstanding,
      paid,
      view: loan,
    };
  };
  const toldPurchase = await story(
    'Wang Fang',
    'purchase 3000.00 in 6 (buyer pays the fee): 1st paid on time, 2nd 5 days late',
    purchase.id,
  );
  const toldPhone = await story(
    'Wang Fang',
    'purchase 1200.00 in 3 (merchant pays the fee): paid off',
    phone.id,
  );
  const toldCash = await story(
    'Zhang Wei',
    'cash loan 5000.00 over 6 months (daily interest): 1st and 2nd paid on time',
    cash.id,
  );
  const toldUnpaid = await story(
    'Chen Jing',
    'cash loan 2000.00 over 3 months: never paid, past due',
    unpaid.id,
  );
  const told = [toldPurchase, toldPhone, toldCash, toldUnpaid];
  const check = (claim: string, holds: boolean, evidence: unknown) => {
    if (!holds)
      throw new DemoError(`seed: the demo claims ${claim}, but: ${JSON.stringify(evidence)}`);
  };
  const purchaseInstallments = toldPurchase.view.installments;
  check(
    'the purchase paid its 1st installment on its due date and its 2nd late',
    purchaseInstallments[0]?.status === 'paid' &&
      purchaseInstallments[0].paidOn === purchaseInstallments[0].dueDate &&
      purchaseInstallments[1]?.status === 'paid' &&
      (purchaseInstallments[1].paidOn ?? '') > purchaseInstallments[1].dueDate &&
      toldPurchase.status === 'active' &&
      toldPurchase.daysPastDue === 0,
    purchaseInstallments.slice(0, 2),
  );
  check('the phone purchase is paid off', toldPhone.status === 'paid-off', toldPhone.view);
  check(
    'the cash loan paid interest and is current',
    toldCash.status === 'active' && toldCash.daysPastDue === 0 && toldCash.paid.interest !== '0.00',
    toldCash.view,
  );
  check(
    "Chen Jing's loan is past due with penalty accruing",
    toldUnpaid.status === 'active' &&
      toldUnpaid.daysPastDue > 0 &&
      toldUnpaid.outstanding.penalty !== '0.00' &&
      toldUnpaid.outstanding.interest !== '0.00',
    toldUnpaid.view,
  );
  const failedReason =
    failed.history.find((h) => h.state === 'failed')?.detail ?? 'declined by the bank';
  const trial = await call('the trial balance', 'ledger', trialBalance, { query: {} }, 'operator');
  const trialBalanced = trial.currencies.length > 0 && trial.currencies.every((c) => c.balanced);
  check('the trial balance is balanced in every currency', trialBalanced, trial.currencies);
  return {
    businessDate: await businessDate(purchase.id),
    daysClosed,
    lines,
    loans: told.map(({ view: _view, ...rest }) => rest),
    failedPayout: { loanId: failedLoanId, state: failed.state, reason: failedReason },
    trialBalanced,
  };
}

function requireInstallment(loan: LoanView, index: number): Installment {
  const installment = loan.installments[index];
  if (!installment) throw new DemoError(`seed: loan ${loan.id} has no installment ${index + 1}`);
  return installment;
}

/** Adds two CNY amounts given as decimal strings (exact, by @credit/money). */
function addMoney(a: string, b: string): string {
  return Money.of(a, 'CNY').add(Money.of(b, 'CNY')).toString();
}

function print(report: DemoReport): void {
  const rows = [
    ...report.lines.map(
      (l) => `${l.customer.padEnd(10)} credit line ${l.lineId ?? ''}: ${l.status}`,
    ),
    ...report.loans.map(
      (l) =>
        `${l.customer.padEnd(10)} ${l.story}\n${' '.repeat(15)}loan ${l.loanId}: ${l.status}, ${l.daysPastDue} days past due, paid interest ${l.paid.interest} fee ${l.paid.fee}, owes ${l.outstanding.total ?? '?'} (penalty ${l.outstanding.penalty ?? '?'})`,
    ),
    `Zhang Wei  cash loan 4040.40 (the simulated bank declines this amount): payout ${report.failedPayout.state}, ${report.failedPayout.loanId}`,
  ];
  process.stdout.write(
    `\n  Demo data (idempotent; created once). Business time was moved by closing dates` +
      ` (${report.daysClosed} closed now); the business date is ${report.businessDate}.` +
      ` Trial balance balanced: ${report.trialBalanced}.\n${rows.map((r) => `    ${r}`).join('\n')}\n`,
  );
}

if (require.main === module) {
  // Where the services are: <SERVICE>_URL (REPAYMENT_URL and LEDGER_URL are the ones the services
  // themselves use), else `npm start`'s ports. SEED_PREFIX seeds a separate demo (tests);
  // SEED_REPORT=json prints the report as JSON instead of the table.
  const urlOf = (service: DemoService) =>
    process.env[`${service.toUpperCase()}_URL`] ?? `http://127.0.0.1:${DefaultPorts[service]}`;
  const json = process.env.SEED_REPORT === 'json';
  seedDemo({ urlOf, prefix: process.env.SEED_PREFIX }).then(
    (report) => (json ? process.stdout.write(`${JSON.stringify(report)}\n`) : print(report)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
