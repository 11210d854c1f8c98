import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER, PLATFORM_CONFIG, PeriodicTask, PgNotifier } from '@credit/platform';
import type { DisbursementConfig } from '../config/env';
import {
  DisbursementSystemActor,
  DisbursementsService,
  PayoutPassMax,
  PayoutsDueChannel,
} from '../disbursements/disbursements.service';
import { PayoutReconciliationService } from './payout-reconciliation.service';

/** How often the merchant batch looks for yesterday's unsettled payables. */
export const SettlementIntervalMs = 3_600_000;
/** Session-level advisory lock of the scheduled merchant batch: one instance settles at a time. */
export const SettlementLockKey = '3415927061948227491';
/** Session-level advisory lock of the daily payout reconciliation: one instance at a time. */
export const PayoutReconciliationLockKey = '3415927061948227492';

/**
 * The disbursement service's background work, three PeriodicTasks:
 * - payouts: every instance runs PAYOUT_CONCURRENCY slots (claims give each payout to one slot);
 *   woken by the NOTIFY of the commit that queues a payout, in any instance, and at the time the
 *   next retry falls due; PAYOUT_POLL_INTERVAL_MS is only the safety poll.
 * - the daily merchant batch for yesterday, with a leader lock (one instance at a time);
 * - the daily payout reconciliation of yesterday's bank statement, once per date, with a leader
 *   lock.
 */
@Injectable()
export class PayoutWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly payouts: PeriodicTask;
  readonly settlement: PeriodicTask;
  readonly reconciliation: PeriodicTask;

  constructor(
    private readonly disbursements: DisbursementsService,
    reconciliation: PayoutReconciliationService,
    private readonly notifier: PgNotifier,
    dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: DisbursementConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.payouts = new PeriodicTask(
      {
        name: 'payouts',
        intervalMs: config.PAYOUT_POLL_INTERVAL_MS,
      },
      async () => {
        const { handled, nextDueInMs } = await this.disbursements.payDue({
          attemptsMax: config.PAYOUT_ATTEMPTS_MAX,
          backoffMs: config.PAYOUT_BACKOFF_MS,
          concurrency: config.PAYOUT_CONCURRENCY,
          leaseMs: config.PAYOUT_LEASE_MS,
        });
        return {
          more: handled >= PayoutPassMax,
          ...(nextDueInMs === null ? {} : { nextDueInMs }),
        };
      },
      logger,
    );
    this.settlement = new PeriodicTask(
      {
        name: 'merchant-settlement',
        intervalMs: SettlementIntervalMs,
        runAtStart: false,
        leaderLock: { scope: 'session', key: SettlementLockKey },
      },
      async () => {
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        await this.disbursements.settleMerchants(yesterday, DisbursementSystemActor);
      },
      logger,
      dataSource,
    );
    this.reconciliation = new PeriodicTask(
      {
        name: 'payout-reconciliation',
        intervalMs: SettlementIntervalMs,
        leaderLock: { scope: 'session', key: PayoutReconciliationLockKey },
      },
      async () => {
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        if (!(await reconciliation.reconciled(yesterday)))
          await reconciliation.reconcile(yesterday, DisbursementSystemActor);
      },
      logger,
      dataSource,
    );
  }

  onApplicationBootstrap(): void {
    this.notifier.listen(PayoutsDueChannel, () => {
      this.disbursements.payoutsQueued();
      this.payouts.wake();
    });
    this.payouts.start();
    if (this.config.SETTLEMENT_SCHEDULE_ENABLED) this.settlement.start();
    if (this.config.PAYOUT_RECONCILIATION_SCHEDULE_ENABLED) this.reconciliation.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.payouts.stop(), this.settlement.stop(), this.reconciliation.stop()]);
  }
}
