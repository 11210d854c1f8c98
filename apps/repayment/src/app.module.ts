import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics, platformEventCatalog } from '@credit/contracts';
import { MessagingModule, OutboxWriter } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import { CloseOfBusinessController } from './close-of-business/close-of-business.controller';
import { CloseOfBusinessService } from './close-of-business/close-of-business.service';
import type { RepaymentConfig } from './config/env';
import { BusinessDayClosedHandler, LoanStateRecordedHandler } from './changelog/changelog.handlers';
import { LoanChangelog } from './infrastructure/loan-changelog';
import { LoanStore } from './infrastructure/loan-store';
import { LinesController } from './lines/lines.controller';
import { LoanDisbursedHandler } from './loan-disbursed/loan-disbursed.handler';
import { LoansController } from './loans/loans.controller';
import { LoansService } from './loans/loans.service';
import { repaymentMigrations } from './migrations';
import { QuotesController } from './quotes/quotes.controller';

/** The consumer group of the repayment service. */
export const RepaymentConsumerGroup = 'repayment';
/** What its consumer handles; `platformStreams` in libs/contracts lists the same (unit-tested). */
export const RepaymentEventHandlers = [
  LoanDisbursedHandler,
  LoanStateRecordedHandler,
  BusinessDayClosedHandler,
];

@Module({})
export class RepaymentModule {
  static register(config: RepaymentConfig, logger: Logger): DynamicModule {
    return {
      module: RepaymentModule,
      imports: [
        PlatformModule.forRoot({
          service: 'repayment',
          config,
          logger,
          database: { entities: [], migrations: repaymentMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [
            {
              groupId: config.KAFKA_CONSUMER_GROUP ?? RepaymentConsumerGroup,
              handlers: RepaymentEventHandlers,
            },
          ],
          // A rebuild restores the changelog first; loan.disbursed then finds every loan it knew.
          replayFirst: [Topics.repaymentChangelog],
        }),
      ],
      controllers: [LoansController, QuotesController, CloseOfBusinessController, LinesController],
      providers: [
        { provide: LoanStore, useValue: new LoanStore() },
        LoansService,
        CloseOfBusinessService,
        {
          provide: LoanChangelog,
          inject: [OutboxWriter],
          useFactory: (outbox: OutboxWriter) => new LoanChangelog(outbox),
        },
        LoanDisbursedHandler,
        LoanStateRecordedHandler,
        BusinessDayClosedHandler,
      ],
    };
  }
}
