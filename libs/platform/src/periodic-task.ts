import type { Logger } from 'pino';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { backoffDelayMs } from '@credit/kernel';
import { type Crash, crashOnInvariant, crashProcess } from './crash';

/**
 * Which instance does a pass when several run the same task.
 *
 * - `transaction`: `pg_try_advisory_xact_lock(key)` at the start of the pass's own transaction;
 *   the pass does its work in that transaction (`context.manager`), so the lock and the work
 *   commit or roll back together and no instance can act on a stale lock. For passes that are one
 *   short transaction (outbox relay, chain sequencer).
 * - `session`: `pg_try_advisory_lock(key)` on a connection reserved for the pass, released at its
 *   end. For passes made of several transactions (close of business, settlement, hold expiry,
 *   reconciliation). If that connection dies mid-pass (database restart) the lock is gone and
 *   another instance may start: the pass calls `context.stillLeader()` between units of work (a
 *   fencing check on the lock's own connection) and stops when it is false; each unit of work is
 *   idempotent on its own (row locks, keys), so an overlap in that window repeats nothing.
 *
 * An instance that does not get the lock skips the pass (it does not wait): the holder is doing
 * the work, and a commit that brings more work wakes every instance through NOTIFY.
 */
export interface LeaderLock {
  readonly scope: 'transaction' | 'session';
  /** A bigint advisory-lock key, one per task (as a decimal string). */
  readonly key: string;
}

export interface PassContext {
  /** With a transaction-scoped lock: the transaction holding it. Undefined otherwise. */
  readonly manager: EntityManager | undefined;
  /** False when the session-scoped lock was lost (its connection closed); true without a lock. */
  readonly stillLeader: () => Promise<boolean>;
}

/**
 * What a pass reports: `more` runs the next pass at once (a full batch); `nextDueInMs` shortens
 * the next sleep (work that becomes due at a known time, e.g. a retry after backoff).
 */
export interface PassResult {
  readonly more?: boolean;
  readonly nextDueInMs?: number;
  /**
   * A failure the pass recorded and committed (e.g. the error on the rows it could not publish):
   * the task backs off as after a thrown error, without rolling the record back.
   */
  readonly error?: unknown;
}

export interface PeriodicTaskOptions {
  readonly name: string;
  /** Safety poll: the longest sleep between passes when nothing wakes the task. */
  readonly intervalMs: number;
  /**
   * A random 0..jitterMs is added to each sleep so instances do not poll in step (default a tenth
   * of intervalMs, rounded up; 0 turns it off).
   */
  readonly jitterMs?: number;
  /** First wait after a failed pass (default the smaller of intervalMs and 250 ms); it doubles. */
  readonly failureDelayMinMs?: number;
  /** Longest wait after failed passes. */
  readonly failureDelayMaxMs?: number;
  /** Run one pass as soon as the task starts (default true). */
  readonly runAtStart?: boolean;
  readonly leaderLock?: LeaderLock;
  /** A pass that breaks an invariant stops the process (default); tests observe it instead. */
  readonly crash?: Crash;
}

export interface PeriodicTaskStats {
  /** Passes that ran their work (this instance held the lock, or no lock is configured). */
  readonly ran: number;
  /** Passes skipped because another instance held the lock. */
  readonly skipped: number;
  readonly failed: number;
}

export type PassOutcome =
  { readonly ran: true; readonly result: PassResult } | { readonly ran: false };

const DefaultFailureDelayMinMs = 250;
const DefaultFailureDelayMaxMs = 10_000;

/** stillLeader() of a pass that needs no fencing (no lock, or the lock is its transaction's). */
export const AlwaysLeader = (): Promise<boolean> => Promise.resolve(true);

/**
 * The one background loop of the platform. Passes never overlap in a process (the loop and
 * `runNow()` take turns); `wake()` starts the next pass at once (a commit that gives work, a
 * NOTIFY); failures back off exponentially; `stop()` lets the running pass finish and returns.
 * With a leader lock a pass runs on one instance at a time (see LeaderLock).
 */
export class PeriodicTask {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while a pass ran: the next sleep is skipped. */
  private wakePending = false;
  private turn: Promise<unknown> = Promise.resolve();
  private counts = { ran: 0, skipped: 0, failed: 0 };

  constructor(
    private readonly options: PeriodicTaskOptions,
    private readonly pass: (context: PassContext) => Promise<PassResult | void>,
    private readonly logger: Logger,
    private readonly dataSource?: DataSource,
  ) {
    if (options.leaderLock && !dataSource)
      throw new Error(`periodic task ${options.name}: a leader lock needs the data source`);
  }

  get name(): string {
    return this.options.name;
  }

  get stats(): PeriodicTaskStats {
    return { ...this.counts };
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wakePending = this.options.runAtStart ?? true;
    this.loop = this.run();
  }

  /** Run the next pass now (or right after the current one). */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * One pass now, after any pass in progress in this process; errors propagate to the caller.
   * `pass` replaces the task's pass for this run (e.g. a full sweep asked for by an operator).
   */
  runNow(pass = this.pass): Promise<PassOutcome> {
    const result = this.turn.then(
      () => this.once(pass),
      () => this.once(pass),
    );
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async once(pass: PeriodicTask['pass']): Promise<PassOutcome> {
    const lock = this.options.leaderLock;
    let outcome: PassOutcome;
    if (!lock) {
      outcome = {
        ran: true,
        result: (await pass({ manager: undefined, stillLeader: AlwaysLeader })) ?? {},
      };
    } else if (lock.scope === 'transaction') {
      outcome = await this.dataSource!.transaction(async (manager): Promise<PassOutcome> => {
        const [row] = await manager.query<{ locked: boolean }[]>(
          `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`,
          [lock.key],
        );
        if (!row?.locked) return { ran: false };
        return {
          ran: true,
          result: (await pass({ manager, stillLeader: AlwaysLeader })) ?? {},
        };
      });
    } else {
      outcome = await this.withSessionLock(lock.key, pass);
    }
    if (outcome.ran) this.counts.ran++;
    else this.counts.skipped++;
    return outcome;
  }

  private async withSessionLock(key: string, pass: PeriodicTask['pass']): Promise<PassOutcome> {
    const runner: QueryRunner = this.dataSource!.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock($1::bigint) AS locked`, [
        key,
      ])) as { locked: boolean }[];
      if (!row?.locked) return { ran: false };
      const stillLeader = async () => {
        try {
          const [held] = (await runner.query(
            `SELECT EXISTS (SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                  AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) AS held`,
            [key],
          )) as { held: boolean }[];
          return held?.held === true;
        } catch {
          return false;
        }
      };
      try {
        return { ran: true, result: (await pass({ manager: undefined, stillLeader })) ?? {} };
      } finally {
        await runner
          .query(`SELECT pg_advisory_unlock($1::bigint)`, [key])
          .catch(() => undefined /* the connection is gone, and the lock with it */);
      }
    } finally {
      await runner.release();
    }
  }

  private async run(): Promise<void> {
    const failureBackoff = {
      initialMs:
        this.options.failureDelayMinMs ??
        Math.min(this.options.intervalMs, DefaultFailureDelayMinMs),
      maxMs: this.options.failureDelayMaxMs ?? DefaultFailureDelayMaxMs,
    };
    let failures = 0;
    while (this.running) {
      if (!this.wakePending) await this.sleep(this.options.intervalMs);
      this.wakePending = false;
      if (!this.running) break;
      let outcome: PassOutcome;
      try {
        outcome = await this.runNow();
        if (outcome.ran && outcome.result.error !== undefined) {
          const failure = outcome.result.error;
          throw failure instanceof Error ? failure : new Error(`${this.options.name}: pass failed`);
        }
        failures = 0;
      } catch (error) {
        if (crashOnInvariant(error, this.logger, this.options.crash ?? crashProcess)) {
          this.running = false;
          break;
        }
        this.counts.failed++;
        const failureDelayMs = backoffDelayMs(failureBackoff, ++failures);
        this.logger.warn(
          { err: error, task: this.options.name, retryInMs: failureDelayMs },
          `${this.options.name}: pass failed; retrying in ${failureDelayMs} ms`,
        );
        await this.sleep(failureDelayMs, true);
        this.wakePending = true;
        continue;
      }
      if (!outcome.ran) continue;
      if (outcome.result.more) {
        this.wakePending = true;
        continue;
      }
      const due = outcome.result.nextDueInMs;
      if (due !== undefined && due < this.options.intervalMs && !this.wakePending) {
        await this.sleep(Math.max(0, due));
        this.wakePending = true;
      }
    }
  }

  /** Sleeps up to ms (plus jitter) or until woken; `ignoreWake` keeps a failure backoff whole. */
  private sleep(ms: number, ignoreWake = false): Promise<void> {
    if (!this.running) return Promise.resolve();
    const jitterMs = this.options.jitterMs ?? Math.ceil(this.options.intervalMs / 10);
    const jitter = jitterMs > 0 ? Math.floor(Math.random() * jitterMs) : 0;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms + jitter);
      this.wakeUp = ignoreWake
        ? () => {
            if (!this.running) done();
            else this.wakePending = true;
          }
        : done;
    });
  }
}
