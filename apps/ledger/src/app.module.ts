import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule, OutboxWriter } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { LedgerConfig } from './config/env';
import { EntriesController } from './entries/entries.controller';
import { EntriesService } from './entries/entries.service';
import { AccountDirectory } from './infrastructure/account-directory';
import { PostingEngine } from './infrastructure/posting-engine';
import { ledgerMigrations } from './migrations';

@Module({})
export class LedgerModule {
  static register(config: LedgerConfig, logger: Logger): DynamicModule {
    return {
      module: LedgerModule,
      imports: [
        PlatformModule.forRoot({
          service: 'ledger',
          config,
          logger,
          database: { entities: [], migrations: ledgerMigrations },
        }),
        MessagingModule.forRoot({ catalog: platformEventCatalog(), consumers: [] }),
      ],
      controllers: [EntriesController],
      providers: [
        { provide: AccountDirectory, useValue: new AccountDirectory() },
        {
          provide: PostingEngine,
          inject: [AccountDirectory, OutboxWriter],
          useFactory: (accounts: AccountDirectory, outbox: OutboxWriter) =>
            new PostingEngine(accounts, outbox),
        },
        EntriesService,
      ],
    };
  }
}
