import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { LOGGER, PeriodicTask } from '@credit/platform';
import { extendChain } from '../domain/hash-chain';
import { JournalChainStore } from '../infrastructure/journal-store';

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

/**
 * Links committed entries into journal_chain, in the background and off the posting path:
 * `hash = sha256(prev_hash + '\n' + canonicalContent(entry))`, genesis prev_hash 64 zeros.
 * Entries commit out of seq order, so the chain's order is its position order, which is the
 * order the sequencer saw the entries commit (seq order within a pass).
 *
 * A PeriodicTask with a transaction-scoped leader lock (ChainLockKey): with several instances one
 * sequencer links at a time, and a pass that did not get the lock does nothing. It polls every
 * ChainIntervalMs (the chain is off the money path; a full batch runs the next pass at once).
 */
@Injectable()
export class ChainSequencer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;
  private passes = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(
      {
        name: 'journal-chain',
        intervalMs: ChainIntervalMs,
        failureDelayMaxMs: ChainFailureDelayMaxMs,
        leaderLock: { scope: 'transaction', key: ChainLockKey },
      },
      async ({ manager }) => {
        const chained = await this.link(manager!, false);
        return { more: chained >= ChainBatchMax };
      },
      logger,
      dataSource,
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** Chains everything committed now (full sweeps until caught up); returns how many were linked. */
  async chainPending(): Promise<number> {
    let total = 0;
    let attempts = 0;
    for (;;) {
      let chained = 0;
      const outcome = await this.task.runNow(async ({ manager }) => {
        chained = await this.link(manager!, true);
        return {};
      });
      if (!outcome.ran) {
        attempts++;
        if (attempts >= ChainLockAttemptsMax) {
          throw new Error(
            `journal chain: another sequencer held the lock for ${attempts} attempts; try again`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, ChainLockRetryMs));
        continue;
      }
      total += chained;
      if (chained < ChainBatchMax) return total;
    }
  }

  /** In the pass's transaction (holding the lock): read the last link, link up to ChainBatchMax. */
  private async link(manager: EntityManager, fullSweep: boolean): Promise<number> {
    this.passes++;
    const sweep = fullSweep || this.passes % ChainFullSweepEveryPasses === 0;
    const last = await JournalChainStore.lastLink(manager);
    const floor = last?.seq ? BigInt(last.seq) - ChainTailWindowSeqs : 0n;
    const afterSeq = !sweep && floor > 0n ? floor.toString() : null;
    const entries = await JournalChainStore.readUnchained(manager, ChainBatchMax, afterSeq);
    if (entries.length === 0) return 0;
    await JournalChainStore.insertLinks(manager, extendChain(last, entries));
    this.logger.debug({ chained: entries.length, sweep }, 'journal entries chained');
    return entries.length;
  }
}
