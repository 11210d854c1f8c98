import { randomUUID } from 'node:crypto';
import { getReconciliationRun, startReconciliation } from '@credit/api';
import type { Command } from '../context';
import { parseFlags } from '../flags';
import { callService } from '../service-call';
import { ReplayPollIntervalMs } from './admin';
import { operatorKey } from './ledger';

/** How long one call to the ledger may take (each answers at once; the run goes on in the ledger). */
export const ReconcileCallTimeoutMs = 30_000;

type MoneyDto = { amount: string; currency: string };

/**
 * `reconcile [--json]`: starts a reconciliation run in the ledger (POST /v1/reconciliation/runs,
 * one Idempotency-Key per invocation), prints its progress on stderr until it ends, then the
 * report. Exits 0 when the books agree, 1 on any break, a failed run, or a ledger that could not
 * answer.
 */
export const reconcile: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(args, { json: 'boolean' }, 'usage: reconcile [--json]\n');
  const options = { apiKey: operatorKey(env), timeoutMs: ReconcileCallTimeoutMs };
  const follow = async (id: string) =>
    (await callService(context, 'ledger', getReconciliationRun, { params: { id } }, options)).body;
  let run: Awaited<ReturnType<typeof follow>>;
  try {
    const started = await callService(
      context,
      'ledger',
      startReconciliation,
      { idempotencyKey: `cli-reconcile-${randomUUID()}` },
      options,
    );
    run = { ...started.body, report: null };
    process.stderr.write(`reconciliation run ${run.id} started\n`);
    let shown = -1;
    for (;;) {
      run = await follow(run.id);
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
};
