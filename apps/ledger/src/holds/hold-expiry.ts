import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER, PeriodicTask } from '@credit/platform';
import { HoldExpiryBatchMax, HoldsService } from './holds.service';

/** How often due holds are looked for. */
export const HoldExpiryIntervalMs = 1_000;
/** Session-level advisory lock: one instance sweeps at a time. */
export const HoldExpiryLockKey = '5186329374410923517';

/**
 * Voids holds whose expiry passed, in the background: a PeriodicTask with a leader lock, so with
 * several ledger instances one sweeps at a time (each sweep is one transaction that also skips
 * rows locked by another, so an overlap after a lost lock expires nothing twice).
 */
@Injectable()
export class HoldExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;

  constructor(
    private readonly holds: HoldsService,
    dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(
      {
        name: 'hold-expiry',
        intervalMs: HoldExpiryIntervalMs,
        leaderLock: { scope: 'session', key: HoldExpiryLockKey },
      },
      async () => {
        const expired = await this.holds.expireDue();
        if (expired > 0) this.logger.info({ expired }, `expired ${expired} holds`);
        return { more: expired >= HoldExpiryBatchMax };
      },
      logger,
      dataSource,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
