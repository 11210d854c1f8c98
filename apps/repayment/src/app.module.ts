import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { RepaymentConfig } from './config/env';
import { repaymentMigrations } from './migrations';

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
        MessagingModule.forRoot({ catalog: platformEventCatalog(), consumers: [] }),
      ],
    };
  }
}
