import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { DisbursementConfig } from './config/env';
import { disbursementMigrations } from './migrations';

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
        MessagingModule.forRoot({ catalog: platformEventCatalog(), consumers: [] }),
      ],
    };
  }
}
