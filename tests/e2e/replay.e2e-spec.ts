import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serviceList, type Service, apiKeys, repoRoot } from '../support/services';
import { listLoans, trialBalance, verifyJournal } from '@credit/api';
import { listAdminActions } from '@credit/messaging';
import { api, reconciled, urlOf } from '../support/platform-api';

/**
 * After every other scenario (the sequencer runs this spec last): replaying every topic from the
 * beginning into every service, through the operator CLI, applies nothing new. No journal entry is
 * added, no balance and no loan changes, and the books still reconcile.
 */

/** Every loan the repayment service reports, with its receivables, all pages. */
async function allLoans(): Promise<unknown[]> {
  const loans: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = (await api('repayment').call(listLoans, { query: { limit: '500', cursor } })).body;
    loans.push(...page.loans);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return loans;
}

async function books() {
  const trial = await api('ledger').call(trialBalance, { query: {} });
  const chain = await api('ledger').call(verifyJournal, {});
  expect(chain.body.ok).toBe(true);
  return {
    trialBalance: trial.body,
    journalEntries: chain.body.linksChecked,
    loans: await allLoans(),
  };
}

/**
 * Runs the CLI without blocking this process: a synchronous spawn would freeze the event loop for
 * the whole replay, and the HTTP client would then reuse keep-alive sockets the services closed.
 */
async function replayWithCli(service: Service, extra: string[] = []) {
  const args = ['run', '-s', 'cli', '--', 'replay', '--service', service, '--from', 'earliest'];
  const run = await promisify(execFile)('npm', [...args, '--json', ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      ADMIN_API_KEY: apiKeys.admin,
      [`${service.toUpperCase()}_URL`]: urlOf(service),
    },
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(run.stdout) as {
    status: string;
    dryRun: boolean;
    result: { done: number; total: number; counts: Record<string, number> };
  };
}

describe('replaying history into every service', () => {
  it('a dry run of every topic into the ledger reports nothing new and writes nothing', async () => {
    await reconciled(300_000);
    const before = await books();
    const report = await replayWithCli('ledger', ['--dry-run']);
    expect(report).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(report.result.counts['would-apply']).toBe(0);
    expect(report.result.counts['already-applied']).toBeGreaterThan(0);
    expect(await books()).toEqual(before);
  });

  it('replaying every topic from the beginning into every service adds no entry and changes no balance or loan', async () => {
    const before = await books();
    for (const service of serviceList) {
      const report = await replayWithCli(service);
      expect({ service, status: report.status, applied: report.result.counts.applied }).toEqual({
        service,
        status: 'succeeded',
        applied: 0,
      });
      expect(report.result.done).toBe(report.result.total);
    }
    expect(await books()).toEqual(before);
    const report = await reconciled();
    expect(report.ok).toBe(true);
    // Every replay is on the audit trail of its service.
    for (const service of serviceList) {
      const actions = await api(service, 'admin').call(listAdminActions, {
        query: { action: 'replay' },
      });
      expect(actions.body.actions.length).toBeGreaterThan(0);
    }
  });
});
