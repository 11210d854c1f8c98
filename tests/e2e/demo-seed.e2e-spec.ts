import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot, serviceList } from '../support/services';
import { balance, loanOf, urlOf } from '../support/platform-api';

interface DemoReport {
  daysClosed: number;
  trialBalanced: boolean;
  lines: { status: string }[];
  loans: { loanId: string; status: string; daysPastDue: number; paid: Record<string, string> }[];
  failedPayout: { loanId: string; state: string };
}

/** Runs tools/scripts/seed.ts as `npm start` does, against the e2e services; its JSON report. */
async function runSeed(prefix: string, urls = urlOf): Promise<DemoReport> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const service of serviceList) env[`${service.toUpperCase()}_URL`] = urls(service);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', './tools/runtime/register.js', 'tools/scripts/seed.ts'],
    { cwd: repoRoot, env: { ...env, SEED_PREFIX: prefix, SEED_REPORT: 'json' } },
  );
  return JSON.parse(stdout) as DemoReport;
}

/**
 * `npm start`'s demo (tools/scripts/seed.ts) against the running services: it tells the whole
 * lifecycle, every claim it prints is what the platform reports, a second run creates nothing,
 * and a wrong answer stops it loudly. It closes about two months of business dates, so it runs
 * just before the 200-customer simulation (tests/support/e2e-sequencer.js).
 */
describe('the npm start demo', () => {
  const prefix = `e2e${Date.now().toString(36)}`;

  it('shows the whole lifecycle, and the books agree with what it says', async () => {
    const report = await runSeed(prefix);
    expect(report.daysClosed).toBeGreaterThan(55);
    expect(report.trialBalanced).toBe(true);
    expect(report.lines.map((l) => l.status)).toEqual([
      'approved',
      'approved',
      'approved',
      'declined',
    ]);
    const [purchase, phone, cash, unpaid] = report.loans;
    expect(purchase).toMatchObject({ status: 'active', daysPastDue: 0 });
    expect(phone).toMatchObject({ status: 'paid-off' });
    expect(cash).toMatchObject({ status: 'active', daysPastDue: 0 });
    expect(unpaid).toMatchObject({ status: 'active' });
    expect(unpaid?.daysPastDue).toBeGreaterThan(0);
    expect(report.failedPayout.state).toBe('failed');

    // The ledger holds what the demo claims: interest accrued and paid, the purchase's fee, the
    // late installment's penalty, and a receivable still open on the unpaid loan.
    if (!purchase || !cash || !unpaid) throw new Error('the demo reported fewer than four loans');
    expect(cash.paid.interest).not.toBe('0.00');
    expect(purchase.paid.fee).not.toBe('0.00');
    expect(await balance(`assets:receivable:interest:${unpaid.loanId}`)).not.toMatch(
      /^(none|0\.00)$/,
    );
    expect(await balance(`assets:receivable:penalty:${unpaid.loanId}`)).not.toMatch(
      /^(none|0\.00)$/,
    );
    const [first, second] = (await loanOf(purchase.loanId)).body.installments;
    expect(first).toMatchObject({ status: 'paid', paidOn: first?.dueDate });
    expect(second?.status).toBe('paid');
    expect((second?.paidOn ?? '') > (second?.dueDate ?? '')).toBe(true);
    expect(await balance(`assets:loans:principal:${report.failedPayout.loanId}`)).toBe('none');

    // A second run (every `npm start`) answers from the first: same loans, no date closed again.
    const again = await runSeed(prefix);
    expect(again.daysClosed).toBe(0);
    expect(again.loans.map((l) => [l.loanId, l.status])).toEqual(
      report.loans.map((l) => [l.loanId, l.status]),
    );
  });

  it('stops, naming the step, when a service answers wrongly', async () => {
    // The application requests go to the ledger, which has no such route.
    const wrong = (service: Parameters<typeof urlOf>[0]) =>
      urlOf(service === 'application' ? 'ledger' : service);
    await expect(runSeed(`${prefix}x`, wrong)).rejects.toThrow(
      /seed: application wang-line answered 404/,
    );
  });
});
