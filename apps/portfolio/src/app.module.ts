import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { PortfolioConfig } from './config/env';
import { portfolioMigrations } from './migrations';
import { ModelStabilityController } from './model-monitoring/model-stability.controller';
import { PortfolioEventHandlers } from './read-model/handlers';
import { ReportsController } from './reports/reports.controller';

/** The consumer group of the portfolio service. */
export const PortfolioConsumerGroup = 'portfolio';

@Module({})
export class PortfolioModule {
  static register(config: PortfolioConfig, logger: Logger): DynamicModule {
    return {
      module: PortfolioModule,
      imports: [
        PlatformModule.forRoot({
          service: 'portfolio',
          config,
          logger,
          database: { entities: [], migrations: portfolioMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [
            {
              groupId: config.KAFKA_CONSUMER_GROUP ?? PortfolioConsumerGroup,
              handlers: PortfolioEventHandlers,
            },
          ],
        }),
      ],
      controllers: [ReportsController, ModelStabilityController],
      providers: [...PortfolioEventHandlers],
    };
  }
}
