import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AlwaysLeader, LOGGER, PLATFORM_CONFIG, PeriodicTask } from '@credit/platform';
import type { ApplicationConfig } from '../config/env';
import { MillisecondsPerDay, declinedRetentionCutoff } from '../domain/personal-data';
import { PersonalDataStore } from '../infrastructure/personal-data-store';
import { PersonalDataService } from './personal-data.service';

/** Session-level advisory lock: one instance sweeps at a time. */
export const RetentionLockKey = '7306118263154406721';
export const RetentionBatchMax = 200;
export const RetentionActor = 'system:retention';

/**
 * Retention of declined applications' personal data (APPLICATION_DECLINED_PII_RETENTION_DAYS):
 * once a day, on one instance (leader lock), the personal data of every application declined
 * longer ago than that is erased like a customer's erasure (data key destroyed, fields
 * overwritten, application.personal-data-erased announced), in batches of one transaction each. Its
 * decision, consent and the customer id stay. `sweep(now)` takes the clock (tests move it).
 */
@Injectable()
export class DeclinedRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;
  private readonly retentionDays: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PersonalDataStore,
    private readonly personalData: PersonalDataService,
    @Inject(PLATFORM_CONFIG) config: ApplicationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retentionDays = config.APPLICATION_DECLINED_PII_RETENTION_DAYS;
    this.task = new PeriodicTask(
      {
        name: 'declined-pii-retention',
        intervalMs: MillisecondsPerDay,
        jitterMs: 60_000,
        leaderLock: { scope: 'session', key: RetentionLockKey },
      },
      async ({ stillLeader }) => {
        await this.sweep(new Date(), stillLeader);
      },
      logger,
      dataSource,
    );
  }

  /** Erases what is past retention at `now`; returns how many applications it erased. */
  async sweep(now: Date, stillLeader: () => Promise<boolean> = AlwaysLeader): Promise<number> {
    const cutoff = declinedRetentionCutoff(now, this.retentionDays);
    let erased = 0;
    for (;;) {
      if (!(await stillLeader())) break;
      const batch = await this.dataSource.transaction(async (manager) => {
        const due = await this.store.declinedBefore(manager, cutoff, RetentionBatchMax);
        await this.personalData.eraseApplications(manager, due, 'retention', RetentionActor, now);
        return due.length;
      });
      erased += batch;
      if (batch < RetentionBatchMax) break;
    }
    if (erased > 0)
      this.logger.info(
        { erased, cutoff: cutoff.toISOString() },
        `retention: erased the personal data of ${erased} declined applications`,
      );
    return erased;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
