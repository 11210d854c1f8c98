import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  type ExportFormat,
  type rebuildBalancesResponseSchema,
  exportJournal,
  rebuildBalances,
  verifyJournal,
} from '@credit/api';
import type { Command } from '../context';
import { parseFlags } from '../flags';
import { callService, orFailure, streamService } from '../service-call';

/** The development operator key of .env.example; OPERATOR_API_KEY overrides it. */
export const DevOperatorApiKey = 'dev-operator-key-0000000000000001';
/** The development admin key of .env.example; ADMIN_API_KEY overrides it. */
export const DevAdminApiKey = 'dev-admin-key-00000000000000000001';
/** How long `ledger rebuild-balances` waits for the report (it sums the whole journal). */
export const RebuildTimeoutMs = 600_000;
/** How long `ledger verify` waits for the report (the walk reads the whole chain). */
export const VerifyTimeoutMs = 600_000;

export function operatorKey(env: NodeJS.ProcessEnv): string {
  return env.OPERATOR_API_KEY ?? DevOperatorApiKey;
}

/**
 * `ledger verify [--json]`: asks the ledger to walk its hash chain. Exits 0 when intact, 1 when
 * a link is broken or the ledger could not answer.
 */
export const ledgerVerify: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(args, { json: 'boolean' }, 'usage: ledger verify [--json]\n');
  const answer = await orFailure(
    'ledger verify',
    callService(
      context,
      'ledger',
      verifyJournal,
      {},
      { apiKey: operatorKey(env), timeoutMs: VerifyTimeoutMs },
    ),
    (line) => context.out(line),
  );
  if (!answer) return 1;
  const body = answer.body;
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
};

const RebuildFlags = { apply: 'boolean', json: 'boolean' } as const;
const ExportFlags = { format: 'string', from: 'string', to: 'string' } as const;

/**
 * `ledger export [--format hledger|csv] [--from DATE] [--to DATE]`: streams the journal to stdout,
 * e.g. `npm run -s cli -- ledger export > ledger.journal && hledger -f ledger.journal check`.
 */
export const ledgerExport: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(
    args,
    ExportFlags,
    'usage: ledger export [--format hledger|csv] [--from D] [--to D]\n',
  );
  // The ledger checks the format (400 naming it): sent as given.
  const query = { ...flags, format: flags.format as ExportFormat | undefined };
  const response = await orFailure(
    'ledger export',
    streamService(
      context,
      'ledger',
      exportJournal,
      { query },
      { apiKey: operatorKey(env), timeoutMs: Infinity },
    ),
    (line) => process.stderr.write(`${line}\n`),
  );
  if (!response?.body) return 1;
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
};

type RebuildAnswer = z.output<typeof rebuildBalancesResponseSchema>;
type BalanceFigures = NonNullable<RebuildAnswer['differences']>[number]['recomputed'];

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
export const ledgerRebuildBalances: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(
    args,
    RebuildFlags,
    'usage: ledger rebuild-balances [--apply] [--json]\n',
  );
  const apply = flags.apply === true;
  const answer = await orFailure(
    'ledger rebuild-balances',
    callService(
      context,
      'ledger',
      rebuildBalances,
      { body: { apply }, idempotencyKey: `cli-rebuild-balances-${randomUUID()}` },
      { apiKey: env.ADMIN_API_KEY ?? DevAdminApiKey, timeoutMs: RebuildTimeoutMs },
    ),
    (line) => context.out(line),
  );
  if (!answer) return 1;
  const body: RebuildAnswer = answer.body;
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
    for (const name of difference.fields) {
      const field = name as keyof BalanceFigures;
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
};
