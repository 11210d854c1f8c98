import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ratio } from './ceiling';
import { OriginationP99TargetMs } from './platform';
import type { PortfolioPart } from './portfolio';
import type { ReconciliationPart } from './reconciliation';
import type { DatabasePart, PlatformPart } from './run';
import { readPart, repoRoot, round } from './support';

/** Merges the parts of a run into bench/results/<timestamp>.json (and latest.json) and prints Markdown. */

interface Target {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

interface Timed {
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly loadAverage?: { start: number[]; end: number[] };
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/MemTotal:\s+(\d+) kB/.exec(meminfo)?.[1] ?? 0);
  return {
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(memKb / 1024 / 1024, 1),
    kernel: os.release(),
  };
}

function kafkaVersion(): string {
  const cache =
    process.env.KAFKA_CACHE_DIR ??
    path.join(
      os.homedir(),
      '.cache',
      'credit-platform',
      `kafka-${process.env.KAFKA_VERSION ?? '4.1.1'}`,
    );
  const libs = path.join(cache, 'libs');
  const jar = existsSync(libs)
    ? readdirSync(libs).find((file) => /^kafka_2\.13-[\d.]+\.jar$/.test(file))
    : undefined;
  return jar ? jar.replace(/^kafka_2\.13-/, '').replace(/\.jar$/, '') : 'unknown';
}

function postgres() {
  const query = (sql: string) =>
    execFileSync(
      'psql',
      [`${process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'}/postgres`, '-tAc', sql],
      { encoding: 'utf8' },
    ).trim();
  return {
    version: query('SHOW server_version'),
    synchronousCommit: query('SHOW synchronous_commit'),
    fsync: query('SHOW fsync'),
    walSyncMethod: query('SHOW wal_sync_method'),
    sharedBuffers: query('SHOW shared_buffers'),
    pgbench: execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

const best = (values: number[]) => (values.length > 0 ? Math.max(...values) : 0);
const yes = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'missed');

function targets(database: DatabasePart | null, platform: PlatformPart | null): Target[] {
  const list: Target[] = [];
  if (database) {
    const ledger = (workload: string, batch?: number) =>
      database.cases
        .filter(
          (c) =>
            c.ledger.workload === workload && (batch === undefined || c.ledger.batchSize === batch),
        )
        .map((c) => c.ledger.postingsPerSecond);
    const uniform = best(ledger('uniform'));
    list.push({
      goal: 'ledger ≥ 10,000 postings/s (uniform, best case)',
      measured: `${uniform}/s`,
      met: uniform >= 10_000,
    });
    for (const batch of [...new Set(database.cases.map((c) => c.ledger.batchSize))]) {
      const ceiling = best(
        database.cases
          .filter((c) => c.ceiling.workload === 'uniform' && c.ceiling.batchSize === batch)
          .map((c) => c.ceiling.postingsPerSecond),
      );
      const r = ratio(best(ledger('uniform', batch)), ceiling);
      list.push({
        goal: `ledger ≥ 0.6 × pgbench ceiling, batch ${batch} (best of each)`,
        measured: `${r} ×`,
        met: r >= 0.6,
      });
    }
    const scalings = (database.instances ?? []).map((i) => i.scaling);
    if (scalings.length > 0) {
      const bestScaling = Math.max(...scalings);
      const instances = database.instances[0]?.several.instances ?? 2;
      list.push({
        goal: `a second ledger instance adds throughput (${instances} processes vs 1, best batch)`,
        measured: `× ${bestScaling} (${(database.instances ?? []).map((i) => `batch ${i.one.batchSize}: ${i.one.postingsPerSecond} → ${i.several.postingsPerSecond}/s`).join(', ')})`,
        met: bestScaling > 1,
      });
    }
    const hot = best(ledger('hot'));
    list.push({
      goal: 'hot account ≥ 2,000 postings/s (best case)',
      measured: `${hot}/s`,
      met: hot >= 2_000,
    });
    const [small, large] = [
      database.balanceReads[0],
      database.balanceReads[database.balanceReads.length - 1],
    ];
    if (small && large && small !== large) {
      // The median: on a shared machine the p99 of a sub-millisecond read is scheduling noise.
      const flat =
        large.now.p50Ms <= 2 * small.now.p50Ms + 0.5 &&
        large.asOf.p50Ms <= 2 * small.asOf.p50Ms + 0.5;
      list.push({
        goal: `balance read flat from ${small.lines} to ${large.lines} lines (p50 within 2× + 0.5 ms)`,
        measured: `p50 / p99 now ${small.now.p50Ms} / ${small.now.p99Ms} → ${large.now.p50Ms} / ${large.now.p99Ms} ms, asOf ${small.asOf.p50Ms} / ${small.asOf.p99Ms} → ${large.asOf.p50Ms} / ${large.asOf.p99Ms} ms`,
        met: flat,
      });
    }
  }
  if (platform) {
    const rate = platform.endToEnd.highestRateWithinP99;
    list.push({
      goal: `≥ 500 originations/s end to end with p99 ≤ ${OriginationP99TargetMs} ms`,
      measured: rate === null ? 'no step held it' : `${rate}/s held it`,
      met: rate !== null && rate >= 500,
    });
    const loaded = platform.scoring[platform.scoring.length - 1];
    if (loaded)
      list.push({
        goal: 'scoring p99 ≤ 50 ms under load',
        measured: `${loaded.latency.p99Ms} ms at ${loaded.concurrency} concurrent, ${loaded.requestsPerSecond} req/s`,
        met: loaded.latency.p99Ms <= 50,
      });
    for (const replay of platform.replay)
      list.push({
        goal: `replay into ${replay.service} ≥ 20,000 events/s`,
        measured: `${replay.eventsPerSecond}/s (${replay.applied}/${replay.events} events)`,
        met: replay.complete && replay.eventsPerSecond >= 20_000,
      });
  }
  return list;
}

function table(headers: string[], rows: (string | number)[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function markdown(report: ReturnType<typeof buildReport>): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(
    `Measured ${report.finishedAt} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; PostgreSQL ${report.versions.postgres.version} (synchronous_commit ${report.versions.postgres.synchronousCommit}, fsync ${report.versions.postgres.fsync}), Kafka ${report.versions.kafka}, Node ${report.versions.node}. Load average at start/end: ${report.loadAverage}.`,
  );
  const db = report.database;
  if (db) {
    out.push(
      '',
      `**Ledger postings** (in process: EntriesService.post, ${db.caseSeconds} s per case, closed loop) against **the pgbench ceiling** (minimal SQL, same batch and concurrency, run back to back):`,
      '',
      table(
        [
          'workload',
          'batch',
          'conc.',
          'ledger postings/s',
          'batch p50 / p99 ms',
          'per posting p50 / p99 ms',
          'Node CPU ms / posting',
          'pgbench postings/s',
          'pgbench batch p50 / p99 ms',
          'ceiling form',
          'ratio',
        ],
        db.cases.map(({ ledger: l, ceiling: c }) => [
          l.workload,
          l.batchSize,
          l.concurrency,
          l.postingsPerSecond,
          `${l.batch.p50Ms} / ${l.batch.p99Ms}`,
          `${l.perPosting.p50Ms} / ${l.perPosting.p99Ms}`,
          l.nodeCpuMsPerPosting ?? '',
          c.postingsPerSecond,
          `${c.batch.p50Ms} / ${c.batch.p99Ms}`,
          c.variant ?? 'per-posting',
          ratio(l.postingsPerSecond, c.postingsPerSecond),
        ]),
      ),
      ...((db.instances ?? []).length > 0
        ? [
            '',
            `**Several ledger instances** (the uniform case at ${db.instances[0]?.one.concurrency} callers per instance, each instance a Node process with its own EntriesService and pool on the same database, all started together):`,
            '',
            table(
              [
                'batch',
                '1 instance postings/s',
                `${db.instances[0]?.several.instances} instances postings/s`,
                'per instance postings/s',
                'scaling',
              ],
              db.instances.map((i) => [
                i.one.batchSize,
                i.one.postingsPerSecond,
                i.several.postingsPerSecond,
                i.several.perInstance.map((r) => r.postingsPerSecond).join(' + '),
                `× ${i.scaling}`,
              ]),
            ),
          ]
        : []),
      '',
      '**Balance reads** (AccountsService.balance, what GET /v1/accounts/{id}/balance runs, sequential):',
      '',
      table(
        ['journal lines on the account', 'bulk load s', 'now p50 / p99 ms', 'asOf p50 / p99 ms'],
        db.balanceReads.map((r) => [
          r.lines,
          r.loadSeconds,
          `${r.now.p50Ms} / ${r.now.p99Ms}`,
          `${r.asOf.p50Ms} / ${r.asOf.p99Ms}`,
        ]),
      ),
    );
  }
  const p = report.platform;
  if (p) {
    out.push(
      '',
      '**Scoring** (POST /v1/score over HTTP, closed loop):',
      '',
      table(
        ['concurrency', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
        p.scoring.map((s) => [
          s.concurrency,
          s.requestsPerSecond,
          s.latency.p50Ms,
          s.latency.p99Ms,
          s.errors,
        ]),
      ),
      '',
      `**Originations end to end** (open loop: cash-loan draws on ${p.endToEnd.customers} pre-opened lines; latency from the scheduled send to the principal posted in the ledger):`,
      '',
      table(
        [
          'offered/s',
          'sent',
          'posted',
          'failed or dropped',
          'completed/s',
          'p50 ms',
          'p99 ms',
          `p99 ≤ ${OriginationP99TargetMs} ms`,
        ],
        p.endToEnd.steps.map((s) => [
          s.offeredPerSecond,
          s.sent,
          s.posted,
          s.failedOrDropped,
          s.completedPerSecond,
          s.latency.p50Ms,
          s.latency.p99Ms,
          s.meetsP99 ? 'yes' : 'no',
        ]),
      ),
      '',
      "Where an origination spends its time (each hop from the services' own timestamps, p50 / p99 ms):",
      '',
      table(
        ['offered/s', ...(p.endToEnd.steps[0]?.stages ?? []).map((s) => s.hop)],
        p.endToEnd.steps.map((step) => [
          step.offeredPerSecond,
          ...step.stages.map((s) => `${s.p50Ms} / ${s.p99Ms}`),
        ]),
      ),
      ...((p.endToEnd.steps[0]?.spanStages ?? []).length > 0
        ? [
            '',
            "The same from the services' spans (OpenTelemetry, exported to the bench's OTLP receiver; p50 / p99 ms, and how many originations had the hop):",
            '',
            table(
              ['offered/s', ...(p.endToEnd.steps[0]?.spanStages ?? []).map((s) => s.hop)],
              p.endToEnd.steps.map((step) => [
                step.offeredPerSecond,
                ...(step.spanStages ?? []).map((s) => `${s.p50Ms} / ${s.p99Ms} (${s.count})`),
              ]),
            ),
          ]
        : []),
      '',
      '**Replay** (a second instance, empty database, fresh consumer group from the earliest offsets):',
      '',
      table(
        ['service', 'events', 'applied', 'apply s', 'events/s', 'wall s (boot included)'],
        p.replay.map((r) => [
          r.service,
          r.events,
          r.applied,
          r.applySeconds,
          r.eventsPerSecond,
          r.wallSeconds,
        ]),
      ),
    );
  }
  const rec = report.reconciliation;
  if (rec) {
    out.push(
      '',
      `**Reconciliation** of ${rec.loans} loans (bulk-loaded ledger database, ReconciliationService as a daily run, chunks of ${rec.chunkLoans} loans; loaded in ${rec.loadSeconds} s):`,
      '',
      table(
        ['books', 'loans checked', 's', 'loans/s', 'breaks planted', 'breaks found'],
        [
          [
            'matching',
            rec.clean.loansChecked,
            rec.clean.seconds,
            rec.clean.loansPerSecond,
            0,
            rec.clean.breaksFound,
          ],
          [
            'with breaks',
            rec.withBreaks.loansChecked,
            rec.withBreaks.seconds,
            rec.withBreaks.loansPerSecond,
            rec.withBreaks.breaksPlanted,
            rec.withBreaks.breaksFound,
          ],
        ],
      ),
    );
  }
  const portfolio = report.portfolio;
  if (portfolio) {
    out.push(
      '',
      `**Portfolio** at ${portfolio.loans} loans (bulk-loaded portfolio database, ${portfolio.snapshots} snapshots: daily in the book's last month, month ends before; loaded in ${portfolio.loadSeconds} s), each report's store query on ${portfolio.asOf}:`,
      '',
      table(
        ['report', 's', 'loans read'],
        portfolio.reports.map((r) => [r.report, r.seconds, r.rows]),
      ),
    );
  }
  out.push(
    '',
    '**Targets**',
    '',
    table(
      ['goal', 'measured', ''],
      report.targets.map((t) => [t.goal, t.measured, yes(t.met)]),
    ),
  );
  return out.join('\n');
}

function buildReport() {
  const database = readPart<DatabasePart & Timed>('database');
  const platform = readPart<PlatformPart & Timed>('platform');
  const loads = [
    database?.loadAverage?.start,
    database?.loadAverage?.end,
    platform?.loadAverage?.start,
    platform?.loadAverage?.end,
  ]
    .filter((l): l is number[] => l !== undefined)
    .map((l) => l.map((v) => round(v, 2)).join('/'));
  return {
    startedAt: database?.startedAt ?? platform?.startedAt ?? null,
    finishedAt: platform?.finishedAt ?? database?.finishedAt ?? new Date().toISOString(),
    machine: machine(),
    versions: { postgres: postgres(), kafka: kafkaVersion(), node: process.version },
    loadAverage: loads.join(' → '),
    method: {
      ledger:
        'in process: the ledger EntriesService (POST /v1/entries path) on credit_bench_ledger_engine, migrated with the ledger migrations; synchronous_commit on',
      ceiling:
        'pgbench -M prepared on credit_bench_pgbench (bench/scripts/ceiling-schema.sql), the better of two forms measured back to back: ceiling-batch.sql (one set-based statement, one transaction, one round trip per batch) and ceiling-posting.sql (one transaction per batch: lock in id order, one statement per posting)',
      instances:
        'the uniform ledger case at the highest concurrency in 1 and in BENCH_LEDGER_INSTANCES (2) Node processes at once (bench/ledger-engine-worker.ts), each with its own EntriesService on credit_bench_ledger_engine',
      endToEnd:
        'the six services on ports 3201-3206 (databases credit_bench_*), Kafka on 127.0.0.1:29092, open-loop HTTP draws; tracing on (unless BENCH_TRACING=0), spans exported over OTLP/HTTP to bench/trace-receiver.ts',
    },
    database,
    platform,
    reconciliation: readPart<ReconciliationPart & Timed>('reconciliation'),
    portfolio: readPart<PortfolioPart & Timed>('portfolio'),
    targets: targets(database, platform),
  };
}

export function writeReport(): void {
  const report = buildReport();
  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.finishedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  copyFileSync(file, path.join(dir, 'latest.json'));
  process.stdout.write(`${markdown(report)}\n\nReport: ${path.relative(repoRoot, file)}\n`);
}
