import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { LedgerConfig } from './config/env';
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
    };
  }
}
