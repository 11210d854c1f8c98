import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '@credit/platform';
import { GenesisHash, linkHash, readUnchained } from './chain-content';

/** Entries linked per pass (one transaction, one INSERT). */
export const ChainBatchMax = 1000;
/** Sleep between passes when the chain has caught up. */
export const ChainIntervalMs = 200;
/** Longest sleep after failed passes (the delay doubles from ChainIntervalMs). */
export const ChainFailureDelayMaxMs = 10_000;
/**
 * Between full sweeps a pass only looks at entries whose seq is above the last linked entry's seq
 * minus this window, so a pass costs the recent tail, not the whole journal. An entry that commits
 * later than that (a very long transaction) is linked by the next full sweep.
 */
export const ChainTailWindowSeqs = 10_000n;
/** Every this many passes (about 30 s at the interval) a pass sweeps the whole journal. */
export const ChainFullSweepEveryPasses = 150;
/** chainPending(): attempts while another sequencer holds the lock, and the wait between them. */
export const ChainLockAttemptsMax = 100;
export const ChainLockRetryMs = 50;

/**
 * Key of the transaction-level advisory lock that makes one sequencer chain at a time (the
 * service may run several replicas). Posting never takes it.
 */
export const ChainLockKey = '4993142381930176867';

export interface ChainPassOutcome {
  /** False when another sequencer held the lock: this pass did nothing. */
  readonly locked: boolean;
  readonly chained: number;
}

/**
 * Links committed entries into journal_chain, in the background and off the posting path:
 * `hash = sha256(prev_hash + '\n' + canonicalContent(entry))`, genesis prev_hash 64 zeros.
 * Entries commit out of seq order, so the chain's order is its position order, which is the
 * order the sequencer saw the entries commit (seq order within a pass).
 */
@Injectable()
export class ChainSequencer implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Passes in this process run one at a time (the loop and chainPending()). */
  private turn: Promise<unknown> = Promise.resolve();
  private passes = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Chains everything committed now (full sweeps until caught up); returns how many were linked. */
  async chainPending(): Promise<number> {
    let total = 0;
    let attempts = 0;
    for (;;) {
      const outcome = await this.exclusive(() => this.pass(true));
      if (!outcome.locked) {
        attempts++;
        if (attempts >= ChainLockAttemptsMax) {
          throw new Error(
            `journal chain: another sequencer held the lock for ${attempts} attempts; try again`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, ChainLockRetryMs));
        continue;
      }
      total += outcome.chained;
      if (outcome.chained < ChainBatchMax) return total;
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work, work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  /** One transaction: try the lock, read the last link, link up to ChainBatchMax entries. */
  private async pass(fullSweep: boolean): Promise<ChainPassOutcome> {
    this.passes++;
    const sweep = fullSweep || this.passes % ChainFullSweepEveryPasses === 0;

    const outcome = await this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`,
        [ChainLockKey],
      );
      if (!lock?.locked) return { locked: false, chained: 0 };

      const [last] = await manager.query<{ position: string; hash: string; seq: string | null }[]>(
        `SELECT c.position, c.hash, e.seq
           FROM journal_chain c LEFT JOIN journal_entries e ON e.id = c.entry_id
          ORDER BY c.position DESC LIMIT 1`,
      );
      const floor = last?.seq ? BigInt(last.seq) - ChainTailWindowSeqs : 0n;
      const afterSeq = !sweep && floor > 0n ? floor.toString() : null;
      const entries = await readUnchained(manager, ChainBatchMax, afterSeq);
      if (entries.length === 0) return { locked: true, chained: 0 };

      let prevHash = last?.hash ?? GenesisHash;
      let position = BigInt(last?.position ?? '0');
      const positions: string[] = [];
      const prevHashes: string[] = [];
      const hashes: string[] = [];
      for (const entry of entries) {
        position += 1n;
        const hash = linkHash(prevHash, entry);
        positions.push(position.toString());
        prevHashes.push(prevHash);
        hashes.push(hash);
        prevHash = hash;
      }
      await manager.query(
        `INSERT INTO journal_chain (position, entry_id, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])`,
        [positions, entries.map((entry) => entry.id), prevHashes, hashes],
      );
      return { locked: true, chained: entries.length };
    });

    if (outcome.chained > 0) {
      this.logger.debug({ chained: outcome.chained, sweep }, 'journal entries chained');
    }
    return outcome;
  }

  private async run(): Promise<void> {
    let failureDelayMs = ChainIntervalMs;
    while (this.running) {
      let chained = 0;
      try {
        chained = (await this.exclusive(() => this.pass(false))).chained;
        failureDelayMs = ChainIntervalMs;
      } catch (error) {
        this.logger.warn(
          { err: error, retryInMs: failureDelayMs },
          'journal chain pass failed; the entries stay unchained until a later pass',
        );
        await this.sleep(failureDelayMs);
        failureDelayMs = Math.min(failureDelayMs * 2, ChainFailureDelayMaxMs);
        continue;
      }
      if (chained < ChainBatchMax) await this.sleep(ChainIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
