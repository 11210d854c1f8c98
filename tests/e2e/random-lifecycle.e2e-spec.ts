import { addDays } from '@credit/lending-math';
import { Money, RoundingMode } from '@credit/money';
import { cny, waitFor } from '@credit/testing';
import { listLoans } from '@credit/api';
import {
  type Draw,
  api,
  apply,
  close,
  disbursementOf,
  expectBooksAgreeWithHledger,
  found,
  loanIdOf,
  loanOf,
  payoffQuote,
  reconciled,
  repay,
  statusOf,
  waitForLoan,
} from '../support/platform-api';

/**
 * 200 random customers over 120 simulated business days, through public APIs only: each applies
 * for a credit line, then draws installment purchases (3, 6 or 12 periods, fee paid by the buyer
 * or the merchant) and cash loans, some of which the simulated bank declines (RAIL_DECLINE_AMOUNT);
 * each loan follows a behaviour (on time, partial, late, early payoff, overpaying, defaulting) and
 * every business day ends with the repayment service's close of business. At the end the books
 * reconcile, the trial balance is zero and hledger agrees with it.
 *
 * Deterministic by seed: every customer and loan draws from its own stream of a seeded generator,
 * so the plan does not depend on the order in which concurrent requests finish, and each loan
 * starts on the business date of its draw (the day waits for its loans before it closes). The seed
 * is printed; E2E_RANDOM_SEED=<seed> replays a run. Business time is shared and only moves
 * forward, so the simulation starts at the repayment service's current business date.
 */
const seed = Number(process.env.E2E_RANDOM_SEED ?? '20261125');
const CustomersCount = 200;
const BusinessDays = 120;
/** No new draws in the last days, so every loan lives a little. */
const DrawDaysMax = 105;
/** HTTP requests in flight at once within a business day. */
const InFlightMax = 12;
/** The amount the simulated bank declines (set by tools/scripts/test.sh). */
const DeclinedPayout = process.env.RAIL_DECLINE_AMOUNT ?? '4040.40';

type Behaviour = 'on-time' | 'partial' | 'late' | 'early-payoff' | 'overpayer' | 'defaulter';
type Product = 'installment-purchase' | 'cash-loan';

interface PlannedDraw {
  readonly name: string;
  readonly day: number;
  readonly product: Product;
  readonly amount: string;
  readonly periods: number;
  readonly merchantId: string | null;
  readonly feePayer: 'buyer' | 'merchant' | null;
  readonly behaviour: Behaviour;
}

interface Customer {
  readonly index: number;
  readonly nationalId: string;
  readonly income: string;
  readonly draws: PlannedDraw[];
  lineId?: string;
}

type Action = { kind: 'pay-due'; fraction: string } | { kind: 'payoff' };

interface Loan {
  readonly id: string;
  readonly plan: PlannedDraw;
  readonly actions: Map<string, Action[]>;
}

/** A small seeded generator (mulberry32), one stream per name so plans do not depend on timing. */
class Random {
  private state: number;

  constructor(...names: (string | number)[]) {
    // FNV-1a of the seed and the names: independent streams per customer and per loan.
    let hash = 0x811c9dc5;
    for (const char of [seed, ...names].join('/')) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    this.state = hash;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An amount with cents between min and max whole units. */
  amount(min: number, max: number): string {
    return `${this.int(min, max)}.${String(this.int(0, 99)).padStart(2, '0')}`;
  }
}

/** The whole plan from the seed: customers, their draws and each loan's behaviour. */
function planCustomers(runId: string): Customer[] {
  return Array.from({ length: CustomersCount }, (_, index): Customer => {
    const random = new Random('customer', index);
    const draws = Array.from(
      { length: Number(random.weighted({ 1: 35, 2: 40, 3: 25 })) },
      (__, n): PlannedDraw => {
        const product: Product = random.chance(0.6) ? 'installment-purchase' : 'cash-loan';
        const declined = product === 'cash-loan' && random.chance(0.05);
        return {
          name: `customer ${index} draw ${n}`,
          day: random.int(0, DrawDaysMax),
          product,
          amount: declined
            ? DeclinedPayout
            : product === 'cash-loan'
              ? `${random.int(5, 50)}00.00`
              : random.amount(200, 5000),
          // Cash loans accrue interest every day: mostly short ones keep the books' load in bounds.
          periods:
            product === 'cash-loan'
              ? Number(random.weighted({ 1: 3, 3: 4, 6: 2, 12: 1 }))
              : random.pick([3, 6, 12]),
          merchantId: product === 'cash-loan' ? null : `M-RND-${random.int(1, 5)}`,
          feePayer: product === 'cash-loan' ? null : random.pick(['buyer', 'merchant'] as const),
          behaviour: random.weighted({
            'on-time': 35,
            partial: 15,
            late: 15,
            'early-payoff': 15,
            overpayer: 8,
            defaulter: 12,
          }),
        };
      },
    );
    return {
      index,
      nationalId: `RND${runId}${String(index).padStart(3, '0')}`,
      income: random.pick(['20000.00', '30000.00', '45000.00']),
      draws: draws.sort((a, b) => a.day - b.day),
    };
  });
}

/** When each action of a loan happens, from its schedule and behaviour (its own random stream). */
function planActions(plan: PlannedDraw, view: any): Map<string, Action[]> {
  const random = new Random('loan', plan.name);
  const actions = new Map<string, Action[]>();
  const at = (date: string, action: Action) =>
    actions.set(date, [...(actions.get(date) ?? []), action]);
  const dueDates = (view.installments as { dueDate: string }[]).map((i) => i.dueDate);
  const start = view.terms.startDate as string;
  const full: Action = { kind: 'pay-due', fraction: '1' };
  switch (plan.behaviour) {
    case 'on-time':
      for (const due of dueDates) at(due, full);
      break;
    case 'overpayer':
      dueDates.forEach((due, n) => at(due, n === 0 ? { kind: 'pay-due', fraction: '1.1' } : full));
      break;
    case 'partial':
      for (const due of dueDates) {
        at(due, { kind: 'pay-due', fraction: `0.${random.int(3, 9)}` });
        at(addDays(due, random.int(3, 20)), full);
      }
      break;
    case 'late':
      for (const due of dueDates) at(addDays(due, random.int(1, 45)), full);
      break;
    case 'early-payoff': {
      const payoffOn = addDays(start, random.int(3, 100));
      for (const due of dueDates.filter((d) => d < payoffOn)) at(due, full);
      at(payoffOn, { kind: 'payoff' });
      break;
    }
    case 'defaulter':
      // Most never pay; some try once, late, and some of those would be recoveries after charge-off.
      if (random.chance(0.4))
        at(addDays(dueDates[0] ?? start, random.int(30, 80)), {
          kind: 'pay-due',
          fraction: '0.5',
        });
      break;
  }
  return actions;
}

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

const sum = (amounts: string[]) =>
  amounts.reduce((total, a) => total.add(Money.of(a, 'CNY')), Money.zero('CNY'));

/** What is due now: unpaid installments due on or before the business date, and penalties. */
function dueNow(view: any): Money {
  const installments = (view.installments as any[]).filter(
    (i) => i.status === 'due' || i.status === 'past-due',
  );
  return sum([
    view.outstanding.penalty as string,
    ...installments.map((i) =>
      sum([i.total])
        .subtract(sum([i.paid.principal, i.paid.interest, i.paid.fee]))
        .toString(),
    ),
  ]);
}

/** The repayment service's business date now: a loan's view is as of it; none yet means today. */
async function currentBusinessDate(): Promise<string> {
  const listing = await api('repayment').call(listLoans, { query: { limit: '1' } });
  const first = listing.body.loans[0];
  if (!first) return new Date().toISOString().slice(0, 10);
  return (await loanOf(first.loanId)).body.businessDate;
}

describe(`200 random customers over 120 business days (E2E_RANDOM_SEED=${seed})`, () => {
  const runId = Date.now().toString(36).toUpperCase();
  const customers = planCustomers(runId);
  const loans: Loan[] = [];
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
  const problem = (what: string, detail: unknown) =>
    problems.push(`${what}: ${JSON.stringify(detail)}`);

  beforeAll(() => {
    process.stderr.write(
      `random lifecycle: seed ${seed} (replay with E2E_RANDOM_SEED=${seed}), ${customers.length} customers, ${customers.reduce((n, c) => n + c.draws.length, 0)} planned draws\n`,
    );
  });

  async function openLine(customer: Customer): Promise<void> {
    const decided = await apply(
      customer.nationalId,
      { kind: 'credit-line', creditLine: { requestedLimit: cny('30000.00') } },
      customer.income,
    );
    count(`line ${decided.status}`);
    if (decided.status === 'approved') customer.lineId = decided.lineId as string;
  }

  async function drawOn(customer: Customer, plan: PlannedDraw): Promise<void> {
    if (!customer.lineId) return;
    const decided = await apply(
      customer.nationalId,
      {
        kind: 'draw',
        draw: {
          lineId: customer.lineId,
          product: plan.product,
          amount: cny(plan.amount),
          periods: plan.periods,
          ...(plan.merchantId ? { merchantId: plan.merchantId, feePayer: plan.feePayer } : {}),
          // A planned draw of either product: its fields fit the product, as the plan made them.
        } as Draw,
      },
      customer.income,
    );
    count(`draw ${decided.status}`);
    if (decided.status !== 'approved') {
      if (plan.amount !== DeclinedPayout)
        problem(`${plan.name} was ${decided.status as string}`, decided.reasonCodes);
      return;
    }
    const loanId = loanIdOf(decided.applicationId);
    if (plan.amount === DeclinedPayout) {
      const failed = await waitFor(`the failed payout of ${loanId}`, async () => {
        const payout = await found(disbursementOf(loanId));
        return payout?.state === 'failed' ? payout : undefined;
      });
      count('payout failed');
      if ((await statusOf(loanOf(loanId))) !== 404)
        problem(`${loanId} exists after a failed payout`, failed.history);
      return;
    }
    const view = await waitForLoan(loanId);
    count(
      `${plan.product} ${plan.periods} periods${plan.feePayer ? ` ${plan.feePayer}-paid` : ''}`,
    );
    count(`behaviour ${plan.behaviour}`);
    loans.push({ id: loanId, plan, actions: planActions(plan, view) });
  }

  async function act(loan: Loan, action: Action, businessDate: string): Promise<void> {
    const view = (await loanOf(loan.id)).body;
    if (view.businessDate !== businessDate)
      problem(`${loan.id} is viewed as of ${view.businessDate}`, { businessDate });
    if (view.status === 'charged-off') {
      const recovered = await repay(loan.id, Money.of('100.00', 'CNY').toString());
      count('recovery');
      if (recovered.status !== 201 || recovered.body.allocation?.recovery !== '100.00')
        problem(`recovery on ${loan.id}`, recovered);
      return;
    }
    if (view.status !== 'active') return;
    if (action.kind === 'payoff') {
      const quote = await payoffQuote(loan.id);
      const paid = await repay(loan.id, quote.body.total);
      count('payoff');
      if (paid.status !== 201 || paid.body.payoff !== true || paid.body.loanStatus !== 'paid-off')
        problem(`payoff of ${loan.id}`, { quote: quote.body, paid: paid.body });
      return;
    }
    const owed = dueNow(view);
    const amount = owed.multiply(action.fraction, RoundingMode.DOWN);
    if (!amount.isPositive()) return;
    const paid = await repay(loan.id, amount.toString());
    count(
      action.fraction === '1'
        ? 'payment in full'
        : Number(action.fraction) > 1
          ? 'overpayment'
          : 'partial payment',
    );
    if (paid.status !== 201) return void problem(`payment on ${loan.id}`, paid);
    const allocation = paid.body.allocation as Record<string, string>;
    if (!sum(Object.values(allocation)).equals(amount))
      problem(`the allocation of ${amount.toString()} on ${loan.id}`, allocation);
    if (action.fraction === '1' && allocation.overpayment !== '0.00')
      problem(`paying exactly what is due on ${loan.id} overpaid`, {
        owed: owed.toString(),
        allocation,
      });
  }

  it(
    'applies, draws, repays, pays off, misses payments and closes each business day',
    async () => {
      const started = Date.now();
      await inParallel(
        customers.map((customer) => () => openLine(customer)),
        InFlightMax,
      );
      const firstDate = await currentBusinessDate();
      process.stderr.write(
        `random lifecycle: ${customers.filter((c) => c.lineId).length} lines in ${Math.round((Date.now() - started) / 1000)} s; business days from ${firstDate}\n`,
      );
      for (let day = 0; day < BusinessDays; day++) {
        const businessDate = addDays(firstDate, day);
        const tasks: (() => Promise<void>)[] = [];
        for (const loan of loans) {
          // One loan's actions of the day in order: each reads what the previous one left.
          const actions = loan.actions.get(businessDate) ?? [];
          if (actions.length > 0)
            tasks.push(async () => {
              for (const action of actions) await act(loan, action, businessDate);
            });
        }
        for (const customer of customers) {
          for (const plan of customer.draws.filter((d) => d.day === day))
            tasks.push(() => drawOn(customer, plan));
        }
        await inParallel(tasks, InFlightMax);
        const closed = await close(businessDate);
        if (closed.status !== 201 || closed.body.businessDate !== businessDate)
          problem(`close of ${businessDate}`, closed);
        for (const [type, n] of Object.entries(closed.body.events ?? {}))
          counts[type] = (counts[type] ?? 0) + n;
        if (day % 10 === 9)
          process.stderr.write(
            `random lifecycle: closed ${businessDate} (day ${day + 1}), ${loans.length} loans, ${Math.round((Date.now() - started) / 1000)} s\n`,
          );
      }
      const states: Record<string, number> = {};
      await inParallel(
        loans.map((loan) => async () => {
          const view = (await loanOf(loan.id)).body;
          const key = `loans ${view.status}${view.status === 'active' && view.daysPastDue > 0 ? ' past due' : ''}`;
          states[key] = (states[key] ?? 0) + 1;
        }),
        InFlightMax,
      );
      process.stderr.write(
        `random lifecycle: seed ${seed}, ${Math.round((Date.now() - started) / 1000)} s\n${JSON.stringify({ ...counts, ...states }, null, 1)}\n`,
      );
      expect(problems).toEqual([]);
      expect(loans.length).toBeGreaterThan(CustomersCount);
    },
    20 * 60_000,
  );

  it(
    'reconciliation finds no break',
    async () => {
      const report = await reconciled(5 * 60_000);
      expect(report).toMatchObject({
        ok: true,
        loans: { breaks: [] },
        events: { withoutEntry: [], entriesWithoutEvent: [] },
        trialBalance: { balanced: true },
      });
      expect(report.loans.checked).toBeGreaterThanOrEqual(loans.length);
    },
    6 * 60_000,
  );

  it(
    'the trial balance nets to zero and hledger agrees with it account by account',
    async () => {
      expect(await expectBooksAgreeWithHledger()).toBeGreaterThan(0);
    },
    5 * 60_000,
  );
});
