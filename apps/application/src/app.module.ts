import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { ApplicationConfig } from './config/env';
import { applicationMigrations } from './migrations';

@Module({})
export class ApplicationModule {
  static register(config: ApplicationConfig, logger: Logger): DynamicModule {
    return {
      module: ApplicationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'application',
          config,
          logger,
          database: { entities: [], migrations: applicationMigrations },
        }),
        MessagingModule.forRoot({ catalog: platformEventCatalog(), consumers: [] }),
      ],
    };
  }
}
