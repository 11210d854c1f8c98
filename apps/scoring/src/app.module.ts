import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { ScoringConfig } from './config/env';
import { scoringMigrations } from './migrations';

@Module({})
export class ScoringModule {
  static register(config: ScoringConfig, logger: Logger): DynamicModule {
    return {
      module: ScoringModule,
      imports: [
        PlatformModule.forRoot({
          service: 'scoring',
          config,
          logger,
          database: { entities: [], migrations: scoringMigrations },
        }),
        MessagingModule.forRoot({ catalog: platformEventCatalog(), consumers: [] }),
      ],
    };
  }
}
