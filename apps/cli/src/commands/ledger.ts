import { randomUUID } from 'node:crypto';
import type { CliContext } from '../context';
import { parseFlags } from '../flags';

/** The development operator key of .env.example; OPERATOR_API_KEY overrides it. */
export const DevOperatorApiKey = 'dev-operator-key-0000000000000001';
/** The development admin key of .env.example; ADMIN_API_KEY overrides it. */
export const DevAdminApiKey = 'dev-admin-key-00000000000000000001';
/** How long `ledger rebuild-balances` waits for the report (it sums the whole journal). */
export const RebuildTimeoutMs = 600_000;
/** How long `ledger verify` waits for the report (the walk reads the whole chain). */
export const VerifyTimeoutMs = 600_000;

interface BrokenLink {
  position: string;
  entryId: string;
  expectedHash: string | null;
  storedHash: string;
  reason: string;
}

interface ChainReport {
  ok: boolean;
  linksChecked: number;
  unchainedEntries: number;
  firstBrokenLink: BrokenLink | null;
}

function isChainReport(body: unknown): body is ChainReport {
  if (typeof body !== 'object' || body === null) return false;
  const report = body as Record<string, unknown>;
  return typeof report.ok === 'boolean' && typeof report.linksChecked === 'number';
}

/** The status, the raw text (for error messages) and the parsed JSON body (the text if not JSON). */
export async function fetchJson(
  url: string,
  init: RequestInit,
): Promise<{ status: number; text: string; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  try {
    return { status: response.status, text, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, text, body: text };
  }
}

export function operatorKey(env: NodeJS.ProcessEnv): string {
  return env.OPERATOR_API_KEY ?? DevOperatorApiKey;
}

/**
 * `ledger verify [--json]`: asks the ledger to walk its hash chain. Exits 0 when intact, 1 when
 * a link is broken or the ledger could not answer.
 */
export async function ledgerVerify(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(args, { json: 'boolean' }, 'usage: ledger verify [--json]\n');
  const url = `${context.serviceUrl('ledger')}/v1/journal/verify`;
  const { status, text, body } = await fetchJson(url, {
    headers: { authorization: `Bearer ${operatorKey(env)}` },
    signal: AbortSignal.timeout(VerifyTimeoutMs),
  });
  if (status !== 200 || !isChainReport(body)) {
    context.out(`ledger verify: ${url} answered ${status}: ${text.slice(0, 500)}`);
    return 1;
  }
  if (flags.json) {
    context.out(JSON.stringify(body, null, 2));
    return body.ok ? 0 : 1;
  }
  const unchained =
    body.unchainedEntries > 0 ? `, ${body.unchainedEntries} entries not chained yet` : '';
  if (body.ok) {
    context.out(`journal chain intact: ${body.linksChecked} links checked${unchained}`);
    return 0;
  }
  const broken = body.firstBrokenLink;
  context.out(`journal chain BROKEN after ${body.linksChecked} links checked${unchained}`);
  if (broken) {
    context.out(`  position  ${broken.position}`);
    context.out(`  entry     ${broken.entryId}`);
    context.out(`  reason    ${broken.reason}`);
    context.out(`  expected  ${broken.expectedHash ?? '-'}`);
    context.out(`  stored    ${broken.storedHash}`);
  }
  return 1;
}

const RebuildFlags = { apply: 'boolean', json: 'boolean' } as const;
const ExportFlags = { format: 'string', from: 'string', to: 'string' } as const;

/**
 * `ledger export [--format hledger|csv] [--from DATE] [--to DATE]`: streams the journal to stdout,
 * e.g. `npm run -s cli -- ledger export > ledger.journal && hledger -f ledger.journal check`.
 */
export async function ledgerExport(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(
    args,
    ExportFlags,
    'usage: ledger export [--format hledger|csv] [--from D] [--to D]\n',
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(flags)) query.set(name, value);
  const url = `${context.serviceUrl('ledger')}/v1/journal/export?${query.toString()}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${operatorKey(env)}` } });
  if (response.status !== 200 || !response.body) {
    process.stderr.write(
      `ledger export: ${url} answered ${response.status}: ${(await response.text()).slice(0, 500)}\n`,
    );
    return 1;
  }
  const decoder = new TextDecoder();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!process.stdout.write(decoder.decode(value, { stream: true }))) {
      await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    }
  }
  process.stdout.write(decoder.decode());
  return 0;
}

interface BalanceFigures {
  postedDebits: string;
  postedCredits: string;
  pendingDebits: string;
  pendingCredits: string;
  lineCount: number;
}

interface RebuildAnswer {
  actionId: string;
  status: string;
  dryRun: boolean;
  replayed: boolean;
  error: string | null;
  accountsChecked?: number;
  differenceCount?: number;
  differencesTruncated?: boolean;
  applied?: boolean;
  remaining?: number;
  differences?: {
    account: string;
    currency: string;
    stored: BalanceFigures | null;
    recomputed: BalanceFigures;
    difference: BalanceFigures;
    fields: (keyof BalanceFigures)[];
  }[];
}

function isRebuildAnswer(body: unknown): body is RebuildAnswer {
  if (typeof body !== 'object' || body === null) return false;
  const answer = body as Record<string, unknown>;
  return typeof answer.actionId === 'string' && typeof answer.status === 'string';
}

const signed = (value: string | number) => {
  const text = String(value);
  return text.startsWith('-') ? text : `+${text}`;
};

/**
 * `ledger rebuild-balances [--apply] [--json]`: asks the ledger to recompute every balance from
 * the journal (an audited admin action, one Idempotency-Key per invocation). Exits 0 when no
 * difference remains (none found, or all applied), 1 when differences were found and not applied
 * or the ledger could not answer.
 */
export async function ledgerRebuildBalances(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(
    args,
    RebuildFlags,
    'usage: ledger rebuild-balances [--apply] [--json]\n',
  );
  const apply = flags.apply === true;
  const url = `${context.serviceUrl('ledger')}/v1/admin/ledger/rebuild-balances`;
  const { status, text, body } = await fetchJson(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${env.ADMIN_API_KEY ?? DevAdminApiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `cli-rebuild-balances-${randomUUID()}`,
    },
    body: JSON.stringify({ apply }),
    signal: AbortSignal.timeout(RebuildTimeoutMs),
  });
  if (status !== 200 || !isRebuildAnswer(body)) {
    context.out(`ledger rebuild-balances: ${url} answered ${status}: ${text.slice(0, 500)}`);
    return 1;
  }
  const clean = body.status === 'succeeded' && body.remaining === 0;
  if (flags.json) {
    context.out(JSON.stringify(body, null, 2));
    return clean ? 0 : 1;
  }
  if (body.status !== 'succeeded') {
    context.out(
      `ledger rebuild-balances: admin action ${body.actionId} ${body.status}${body.error ? `: ${body.error}` : ''}`,
    );
    return 1;
  }
  const count = body.differenceCount ?? 0;
  context.out(
    `${body.dryRun ? 'dry run' : 'apply'}: ${body.accountsChecked ?? 0} balances checked against the journal, ${count} ${count === 1 ? 'difference' : 'differences'}`,
  );
  for (const difference of body.differences ?? []) {
    context.out(`  ${difference.account} ${difference.currency}`);
    for (const field of difference.fields) {
      context.out(
        `    ${field.padEnd(15)} stored ${difference.stored ? String(difference.stored[field]) : '(no row)'}  recomputed ${String(difference.recomputed[field])}  difference ${signed(difference.difference[field])}`,
      );
    }
  }
  if (body.differencesTruncated) context.out(`  … ${count - (body.differences ?? []).length} more`);
  if (count > 0) {
    context.out(
      body.applied
        ? `applied: the balances now agree with the journal`
        : `not applied: run again with --apply to write the recomputed balances`,
    );
  }
  context.out(`admin action ${body.actionId}`);
  return clean ? 0 : 1;
}
