import 'reflect-metadata';
import { runService } from '@credit/platform';
import { portfolioApi } from '@credit/api';
import { PortfolioModule } from './app.module';
import { portfolioEnvSchema } from './config/env';

void runService({
  service: 'portfolio',
  api: portfolioApi,
  envSchema: portfolioEnvSchema,
  module: (config, logger) => PortfolioModule.register(config, logger),
});
