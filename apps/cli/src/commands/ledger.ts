import type { CliContext } from '../context';

/** The development operator key of .env.example; OPERATOR_API_KEY overrides it. */
export const DevOperatorApiKey = 'dev-operator-key-0000000000000001';
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

function operatorKey(env: NodeJS.ProcessEnv): string {
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
  const url = `${context.serviceUrl('ledger')}/v1/journal/verify`;
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${operatorKey(env)}` },
    signal: AbortSignal.timeout(VerifyTimeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (response.status !== 200 || !isChainReport(body)) {
    context.out(`ledger verify: ${url} answered ${response.status}: ${text.slice(0, 500)}`);
    return 1;
  }
  if (args.includes('--json')) {
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

const ExportArgs = ['format', 'from', 'to'] as const;

/**
 * `ledger export [--format hledger|csv] [--from DATE] [--to DATE]`: streams the journal to stdout,
 * e.g. `npm run -s cli -- ledger export > ledger.journal && hledger -f ledger.journal check`.
 */
export async function ledgerExport(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const query = new URLSearchParams();
  for (let index = 0; index < args.length; index++) {
    const name = ExportArgs.find((a) => args[index] === `--${a}`);
    const value = args[index + 1];
    if (!name || value === undefined) {
      process.stderr.write(`usage: ledger export [--format hledger|csv] [--from D] [--to D]\n`);
      return 2;
    }
    query.set(name, value);
    index++;
  }
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
