import { randomUUID } from 'node:crypto';
import type { CliContext } from '../context';
import { parseFlags } from '../flags';
import { ReplayPollIntervalMs } from './admin';
import { fetchJson, operatorKey } from './ledger';

/** How long one call to the ledger may take (each answers at once; the run goes on in the ledger). */
export const ReconcileCallTimeoutMs = 30_000;

interface MoneyDto {
  amount: string;
  currency: string;
}

interface ReconciliationReport {
  ok: boolean;
  /** Absent from reports of ledgers older than the payout reconciliation. */
  payouts?: {
    statements: number;
    breakCount: number;
    breaks: {
      source: string;
      businessDate: string;
      kind: string;
      reference: string;
      bank: MoneyDto | null;
      booked: MoneyDto | null;
    }[];
  };
  loans: {
    checked: number;
    breakCount: number;
    breaks: {
      loanId: string;
      component: string;
      currency: string;
      repayment: string;
      ledger: string;
      difference: string;
      positionVersion: number | null;
    }[];
  };
  events: { posted: number; withoutEntry: string[]; entriesWithoutEvent: string[] };
  trialBalance: {
    balanced: boolean;
    currencies: { currency: string; totalDebits: string; totalCredits: string }[];
  };
}

interface ReconciliationRun {
  id: string;
  status: 'running' | 'completed' | 'failed';
  progress: { loansChecked: number; loansTotal: number };
  ok: boolean | null;
  error: string | null;
  report?: ReconciliationReport | null;
}

const isRun = (body: unknown): body is ReconciliationRun =>
  typeof body === 'object' && body !== null && 'id' in body && 'status' in body;

/**
 * `reconcile [--json]`: starts a reconciliation run in the ledger (POST /v1/reconciliation/runs,
 * one Idempotency-Key per invocation), prints its progress on stderr until it ends, then the
 * report. Exits 0 when the books agree, 1 on any break, a failed run, or a ledger that could not
 * answer.
 */
export async function reconcile(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(args, { json: 'boolean' }, 'usage: reconcile [--json]\n');
  const base = `${context.serviceUrl('ledger')}/v1/reconciliation/runs`;
  const call = async (url: string, init: RequestInit): Promise<ReconciliationRun> => {
    let answer: Awaited<ReturnType<typeof fetchJson>>;
    try {
      answer = await fetchJson(url, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${operatorKey(env)}` },
        signal: AbortSignal.timeout(ReconcileCallTimeoutMs),
      });
    } catch (error) {
      throw new Error(`the ledger is not reachable at ${url}: ${(error as Error).message}`);
    }
    if (answer.status >= 400 || !isRun(answer.body)) {
      throw new Error(`the ledger answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    }
    return answer.body;
  };
  let run: ReconciliationRun;
  try {
    run = await call(base, {
      method: 'POST',
      headers: { 'idempotency-key': `cli-reconcile-${randomUUID()}` },
    });
    process.stderr.write(`reconciliation run ${run.id} started\n`);
    let shown = -1;
    for (;;) {
      run = await call(`${base}/${run.id}`, { method: 'GET' });
      if (run.status !== 'running') break;
      if (run.progress.loansChecked !== shown) {
        shown = run.progress.loansChecked;
        process.stderr.write(
          `  ${run.progress.loansChecked}/${run.progress.loansTotal} loans checked\n`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, ReplayPollIntervalMs));
    }
  } catch (error) {
    process.stderr.write(`reconciliation failed: ${(error as Error).message}\n`);
    return 1;
  }
  const body = run.report;
  if (run.status !== 'completed' || !body) {
    process.stderr.write(`reconciliation run ${run.id} ${run.status}: ${run.error ?? ''}\n`);
    return 1;
  }
  if (flags.json) {
    context.out(JSON.stringify({ runId: run.id, ...body }));
    return body.ok ? 0 : 1;
  }
  context.out(
    `run ${run.id}: loans checked: ${body.loans.checked}, breaks: ${body.loans.breakCount}`,
  );
  for (const b of body.loans.breaks) {
    context.out(
      `  ${b.loanId} ${b.component}: repayment ${b.repayment} ${b.currency}${b.positionVersion === null ? ' (no position)' : ` (position v${b.positionVersion})`}, ledger ${b.ledger}, difference ${b.difference}`,
    );
  }
  if (body.loans.breakCount > body.loans.breaks.length) {
    context.out(`  … ${body.loans.breakCount - body.loans.breaks.length} more`);
  }
  context.out(
    `events posted: ${body.events.posted}, without entry: ${body.events.withoutEntry.length}, entries without event: ${body.events.entriesWithoutEvent.length}`,
  );
  if (body.payouts) {
    context.out(
      `payouts: bank statements: ${body.payouts.statements}, breaks: ${body.payouts.breakCount}`,
    );
    const money = (m: MoneyDto | null) => (m ? `${m.amount} ${m.currency}` : 'nothing');
    for (const b of body.payouts.breaks) {
      context.out(
        `  ${b.businessDate} ${b.kind} ${b.reference} (${b.source}): bank ${money(b.bank)}, booked ${money(b.booked)}`,
      );
    }
  }
  for (const c of body.trialBalance.currencies) {
    context.out(`trial balance ${c.currency}: debits ${c.totalDebits}, credits ${c.totalCredits}`);
  }
  context.out(body.ok ? 'books reconcile: no break' : 'BREAKS FOUND');
  return body.ok ? 0 : 1;
}
