import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PLATFORM_CONFIG, PlatformModule } from '@credit/platform';
import { ApplicationDecidedHandler } from './approved-draws/application-decided.handler';
import { type DisbursementConfig, ledgerApiKeyOf } from './config/env';
import { DisbursementsController } from './disbursements/disbursements.controller';
import {
  DisbursementsService,
  LEDGER_HOLDS,
  PAYMENT_RAIL,
} from './disbursements/disbursements.service';
import { LedgerHolds } from './infrastructure/ledger-holds';
import { parseAmountFates } from './domain/payment-rail';
import { SimulatedBank } from './infrastructure/simulated-bank';
import { disbursementMigrations } from './migrations';
import { PayoutBook } from './infrastructure/payout-book';
import { PayoutReconciliationService } from './payouts/payout-reconciliation.service';
import { PayoutWorker } from './payouts/payout-worker';

/** The consumer group of the disbursement service. */
export const DisbursementConsumerGroup = 'disbursement';
/** What its consumer handles; `platformStreams` in libs/contracts lists the same (unit-tested). */
export const DisbursementEventHandlers = [ApplicationDecidedHandler];

@Module({})
export class DisbursementModule {
  static register(config: DisbursementConfig, logger: Logger): DynamicModule {
    return {
      module: DisbursementModule,
      imports: [
        PlatformModule.forRoot({
          service: 'disbursement',
          config,
          logger,
          database: { entities: [], migrations: disbursementMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [
            {
              groupId: config.KAFKA_CONSUMER_GROUP ?? DisbursementConsumerGroup,
              handlers: DisbursementEventHandlers,
            },
          ],
        }),
      ],
      controllers: [DisbursementsController],
      providers: [
        {
          provide: PAYMENT_RAIL,
          inject: [DataSource, PLATFORM_CONFIG],
          useFactory: (dataSource: DataSource, settings: DisbursementConfig) =>
            new SimulatedBank(dataSource, {
              seed: settings.RAIL_SEED,
              failureRate: settings.RAIL_FAILURE_RATE,
              lateRate: settings.RAIL_LATE_RATE,
              timeoutRate: settings.RAIL_TIMEOUT_RATE,
              duplicateRate: settings.RAIL_DUPLICATE_RATE,
              lateConfirmationMs: settings.RAIL_LATE_CONFIRMATION_MS,
              amountFates: new Map([
                ...(settings.RAIL_DECLINE_AMOUNT
                  ? [[settings.RAIL_DECLINE_AMOUNT, 'declined'] as const]
                  : []),
                ...parseAmountFates(settings.RAIL_AMOUNT_FATES),
              ]),
            }),
        },
        {
          provide: LEDGER_HOLDS,
          useValue: config.LEDGER_URL
            ? new LedgerHolds(config.LEDGER_URL, ledgerApiKeyOf(config) ?? '')
            : null,
        },
        DisbursementsService,
        { provide: PayoutBook, useValue: new PayoutBook() },
        PayoutReconciliationService,
        PayoutWorker,
        ApplicationDecidedHandler,
      ],
    };
  }
}
