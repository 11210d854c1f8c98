import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type CeilingResult, prepareCeiling, runCeiling } from './ceiling';
import {
  BenchAccountsMax,
  EngineDatabase,
  LedgerEngineBench,
  type PostingCase,
  type PostingResult,
  type InstancesResult,
  type Workload,
  logPosting,
  runInstances,
} from './ledger-engine';
import {
  type EndToEndResult,
  type ReplayResult,
  type ScoringResult,
  benchEndToEnd,
  benchReplay,
  benchScoring,
} from './platform';
import { writeReport } from './report';
import {
  type LatencySummary,
  envInt,
  envList,
  log,
  recreateDatabase,
  round,
  writePart,
} from './support';

/**
 * `npm run bench` (bench/run.sh) calls this three times:
 *   run.ts database   ledger postings vs the pgbench ceiling, balance reads (no Kafka needed)
 *   run.ts platform   scoring, originations end to end, replay (the bench platform is running)
 *   run.ts report     merges both parts into bench/results/<timestamp>.json and prints the tables
 */

export interface DatabasePart {
  readonly caseSeconds: number;
  readonly cases: { ledger: PostingResult; ceiling: CeilingResult }[];
  readonly balanceReads: {
    lines: number;
    loadSeconds: number;
    balance: string;
    now: LatencySummary;
    asOf: LatencySummary;
    /** EXPLAIN ANALYZE of the asOf query: one index probe whatever the history. */
    asOfPlan: string[];
  }[];
  readonly topStatements: { query: string; calls: number; meanMs: number }[];
  /** The uniform case at the highest concurrency in 1 and in N ledger processes at once. */
  readonly instances: { one: InstancesResult; several: InstancesResult; scaling: number }[];
}

export interface PlatformPart {
  readonly scoring: ScoringResult[];
  readonly endToEnd: EndToEndResult;
  readonly replay: ReplayResult[];
}

async function databasePart(): Promise<DatabasePart> {
  const seconds = envInt('BENCH_CASE_SECONDS', 5);
  const batchSizes = envList('BENCH_BATCH_SIZES', [1, 10, 100]);
  const concurrencies = envList('BENCH_CONCURRENCY', [1, 4, 16]);
  const balanceLines = envList('BENCH_BALANCE_LINES', [1_000, 1_000_000]);
  await recreateDatabase(EngineDatabase);
  await prepareCeiling(BenchAccountsMax);
  const bench = await LedgerEngineBench.open();
  try {
    log('warming up the posting path');
    await bench.run({ workload: 'uniform', batchSize: 10, concurrency: 4 }, 2);
    const cases: DatabasePart['cases'] = [];
    for (const workload of ['uniform', 'hot'] as Workload[]) {
      for (const batchSize of batchSizes) {
        for (const concurrency of concurrencies) {
          const postingCase: PostingCase = { workload, batchSize, concurrency };
          // Back to back, so both see the same background load.
          const ceiling = await runCeiling(postingCase, seconds, BenchAccountsMax);
          const ledger = await bench.run(postingCase, seconds);
          logPosting(ledger, ceiling.postingsPerSecond);
          cases.push({ ledger, ceiling });
        }
      }
    }
    const topStatements = await bench.topStatements();
    const instances: DatabasePart['instances'] = [];
    const several = envInt('BENCH_LEDGER_INSTANCES', 2);
    for (const batchSize of batchSizes) {
      const postingCase: PostingCase = {
        workload: 'uniform',
        batchSize,
        concurrency: Math.max(...concurrencies),
      };
      const one = await runInstances(postingCase, seconds, 1);
      const many = await runInstances(postingCase, seconds, several);
      const scaling = round(many.postingsPerSecond / Math.max(one.postingsPerSecond, 1));
      log(
        `uniform batch ${batchSize} × ${postingCase.concurrency} per instance: 1 instance ${one.postingsPerSecond} postings/s, ${several} instances ${many.postingsPerSecond} postings/s (× ${scaling})`,
      );
      instances.push({ one, several: many, scaling });
    }
    const balanceReads: DatabasePart['balanceReads'] = [];
    for (const lines of balanceLines) {
      const account = `assets:bench:read-${lines}`;
      const started = performance.now();
      await bench.bulkLoad(account, lines);
      const loadSeconds = round((performance.now() - started) / 1000, 1);
      const reads = await bench.readBalances(account, envInt('BENCH_BALANCE_READS', 2000));
      log(
        `balance of an account with ${lines} lines (loaded in ${loadSeconds} s): now p99 ${reads.now.p99Ms} ms, asOf p99 ${reads.asOf.p99Ms} ms`,
      );
      balanceReads.push({ lines, loadSeconds, ...reads });
    }
    return { caseSeconds: seconds, cases, balanceReads, topStatements, instances };
  } finally {
    await bench.close();
  }
}

async function platformPart(): Promise<PlatformPart> {
  const scoringSeconds = envInt('BENCH_SCORING_SECONDS', 10);
  const scoring: ScoringResult[] = [];
  for (const concurrency of envList('BENCH_SCORING_CONCURRENCY', [1, 8])) {
    const result = await benchScoring(concurrency, scoringSeconds);
    log(
      `scoring × ${concurrency}: ${result.requestsPerSecond} req/s, p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms`,
    );
    scoring.push(result);
  }
  const endToEnd = await benchEndToEnd(
    envList('BENCH_E2E_RATES', [2, 5, 10, 20, 40, 80]),
    envInt('BENCH_E2E_STEP_SECONDS', 20),
  );
  const replay: ReplayResult[] = [];
  for (const service of ['ledger', 'repayment'] as const) {
    const result = await benchReplay(service);
    log(
      `replay ${service}: ${result.applied}/${result.events} events, ${result.eventsPerSecond} events/s (${result.wallSeconds} s from start)`,
    );
    replay.push(result);
  }
  return { scoring, endToEnd, replay };
}

/** A part with when it ran and the machine's load average around it (other work makes noise). */
async function timed<T extends object>(work: () => Promise<T>) {
  const startedAt = new Date().toISOString();
  const start = os.loadavg();
  const value = await work();
  return {
    ...value,
    startedAt,
    finishedAt: new Date().toISOString(),
    loadAverage: { start, end: os.loadavg() },
  };
}

async function main(): Promise<void> {
  const part = process.argv[2];
  if (part === 'database') writePart('database', await timed(databasePart));
  else if (part === 'platform') writePart('platform', await timed(platformPart));
  else if (part === 'reconciliation')
    writePart(part, await timed((await import('./reconciliation')).reconciliationPart));
  else if (part === 'portfolio')
    writePart(part, await timed((await import('./portfolio')).portfolioPart));
  else if (part === 'report') writeReport();
  else
    throw new Error(
      `usage: run.ts database|platform|reconciliation|portfolio|report (got ${part ?? 'nothing'})`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
