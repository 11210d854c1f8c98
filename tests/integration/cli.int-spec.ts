import { spawnSync } from 'node:child_process';
import { repoRoot } from '../support/services';

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', ['run', 'cli', '--', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('operator CLI as a newcomer runs it', () => {
  it('schedule --json prints only the JSON: 1,000,000 at 4.9 % over 360 months is 5,307.27 a month', () => {
    const run = cli([
      'schedule',
      '--principal',
      '1000000',
      '--annual-rate',
      '0.049',
      '--periods',
      '360',
      '--method',
      'equal-installment',
      '--start-date',
      '2026-01-15',
      '--json',
    ]);
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout) as {
      installments: {
        period: number;
        principal: string;
        interest: string;
        total: string;
        balance: string;
      }[];
      totals: { principal: string };
      apr: string;
    };
    expect(output.installments).toHaveLength(360);
    expect(output.installments[0]).toMatchObject({
      period: 1,
      principal: '1223.94',
      interest: '4083.33',
      total: '5307.27',
    });
    expect(output.installments.at(-1)?.balance).toBe('0.00');
    expect(output.totals.principal).toBe('1000000.00');
    expect(output.apr).toMatch(/^0\.05\d{2}$/);
  });

  it('schedule explains bad flags on stderr and exits 2', () => {
    const run = cli([
      'schedule',
      '--principal',
      '-5',
      '--periods',
      '0',
      '--method',
      'balloon',
      '--json',
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--method must be one of');
    expect(run.stderr).toContain('--periods must be a whole number');
  });
});
