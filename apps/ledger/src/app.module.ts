import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule, OutboxWriter } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import type { LedgerConfig } from './config/env';
import { CredentialsController } from './credentials/credentials.controller';
import { CredentialsService } from './credentials/credentials.service';
import { EntriesController } from './entries/entries.controller';
import { EntriesService, GroupCommitLimitsToken } from './entries/entries.service';
import type { GroupCommitLimits } from './entries/group-commit';
import { HoldExpiry } from './holds/hold-expiry';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { AccountDirectory } from './infrastructure/account-directory';
import { PostingEngine } from './infrastructure/posting-engine';
import { ChainSequencer } from './journal/chain-sequencer';
import { JournalController } from './journal/journal.controller';
import { ledgerMigrations } from './migrations';
import { CreditLineOpenedHandler } from './post-events/credit-line-opened.handler';
import { postingHandlers } from './post-events/posting-handlers';
import { PostingRulesController } from './post-events/posting-rules.controller';
import { RebuildBalancesController } from './rebuild-balances/rebuild-balances.controller';
import { RebuildBalancesService } from './rebuild-balances/rebuild-balances.service';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { DailyReconciliation } from './reconciliation/daily-reconciliation';
import { PayoutStatementHandler } from './reconciliation/payout-statement.handler';
import { LoanStateRecordedHandler } from './reconciliation/loan-state-recorded.handler';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { TrialBalanceController } from './trial-balance/trial-balance.controller';
import { TrialBalanceService } from './trial-balance/trial-balance.service';

/** The consumer group of the live posting path. */
export const LedgerConsumerGroup = 'ledger';

/**
 * What its consumer handles: one posting handler per event type with a posting rule, and the
 * line, position and statement handlers. `platformStreams` in libs/contracts lists the same
 * (unit-tested). One group: a loan's events share one topic and partition, so a settling event
 * (a repayment, a charge-off) always arrives after the accruals it settles.
 */
export function ledgerEventHandlers() {
  return [
    ...postingHandlers(),
    CreditLineOpenedHandler,
    LoanStateRecordedHandler,
    PayoutStatementHandler,
  ];
}

@Module({})
export class LedgerModule {
  static register(config: LedgerConfig, logger: Logger): DynamicModule {
    const handlers = ledgerEventHandlers();
    const groupId = config.KAFKA_CONSUMER_GROUP ?? LedgerConsumerGroup;
    return {
      module: LedgerModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ledger',
          config,
          logger,
          database: { entities: [], migrations: ledgerMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [{ groupId, handlers }],
        }),
      ],
      controllers: [
        EntriesController,
        AccountsController,
        HoldsController,
        TrialBalanceController,
        PostingRulesController,
        JournalController,
        ReconciliationController,
        RebuildBalancesController,
        CredentialsController,
      ],
      providers: [
        { provide: AccountDirectory, useValue: new AccountDirectory() },
        {
          provide: PostingEngine,
          inject: [AccountDirectory, OutboxWriter],
          useFactory: (accounts: AccountDirectory, outbox: OutboxWriter) =>
            new PostingEngine(accounts, outbox),
        },
        {
          provide: GroupCommitLimitsToken,
          useValue: {
            maxEntries: config.LEDGER_GROUP_COMMIT_MAX_ENTRIES,
            windowMs: config.LEDGER_GROUP_COMMIT_WINDOW_MS,
            queueMaxEntries: config.LEDGER_GROUP_COMMIT_QUEUE_MAX_ENTRIES,
            concurrencyMax: config.LEDGER_GROUP_COMMIT_CONCURRENCY_MAX,
          } satisfies GroupCommitLimits,
        },
        EntriesService,
        AccountsService,
        HoldsService,
        HoldExpiry,
        TrialBalanceService,
        ChainSequencer,
        ReconciliationService,
        DailyReconciliation,
        RebuildBalancesService,
        CredentialsService,
        ...handlers,
      ],
    };
  }
}
