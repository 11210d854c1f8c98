import 'reflect-metadata';
import { runService } from '@credit/platform';
import { scoringApi } from '@credit/api';
import { ScoringModule } from './app.module';
import { scoringEnvSchema } from './config/env';

void runService({
  service: 'scoring',
  api: scoringApi,
  envSchema: scoringEnvSchema,
  module: (config, logger) => ScoringModule.register(config, logger),
});
