import type { CliContext } from '../context';
import { DevOperatorApiKey } from './ledger';

/** How long reconciliation may take (it reads every loan). */
export const ReconcileTimeoutMs = 600_000;

interface ReconciliationReport {
  ok: boolean;
  loans: {
    checked: number;
    breaks: {
      loanId: string;
      component: string;
      currency: string;
      repayment: string;
      ledger: string;
      difference: string;
    }[];
  };
  events: { posted: number; withoutEntry: string[]; entriesWithoutEvent: string[] };
  trialBalance: {
    balanced: boolean;
    currencies: { currency: string; totalDebits: string; totalCredits: string }[];
  };
}

/**
 * `reconcile [--json]`: the ledger's reconciliation report. Exits 0 when the books agree, 1 on any
 * break (or when the ledger could not answer).
 */
export async function reconcile(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const url = `${context.serviceUrl('ledger')}/v1/reconciliation`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${env.OPERATOR_API_KEY ?? DevOperatorApiKey}` },
      signal: AbortSignal.timeout(ReconcileTimeoutMs),
    });
  } catch (error) {
    process.stderr.write(`the ledger is not reachable at ${url}: ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json()) as ReconciliationReport | { error: { message: string } };
  if (!response.ok || !('ok' in body)) {
    process.stderr.write(
      `reconciliation failed: ${'error' in body ? body.error.message : response.status}\n`,
    );
    return 1;
  }
  if (args.includes('--json')) {
    context.out(JSON.stringify(body));
    return body.ok ? 0 : 1;
  }
  context.out(`loans checked: ${body.loans.checked}, breaks: ${body.loans.breaks.length}`);
  for (const b of body.loans.breaks) {
    context.out(
      `  ${b.loanId} ${b.component}: repayment ${b.repayment} ${b.currency}, ledger ${b.ledger}, difference ${b.difference}`,
    );
  }
  context.out(
    `events posted: ${body.events.posted}, without entry: ${body.events.withoutEntry.length}, entries without event: ${body.events.entriesWithoutEvent.length}`,
  );
  for (const c of body.trialBalance.currencies) {
    context.out(`trial balance ${c.currency}: debits ${c.totalDebits}, credits ${c.totalCredits}`);
  }
  context.out(body.ok ? 'books reconcile: no break' : 'BREAKS FOUND');
  return body.ok ? 0 : 1;
}
