import 'reflect-metadata';
import { runService } from '@credit/platform';
import { ScoringModule } from './app.module';
import { scoringEnvSchema } from './config/env';

void runService({
  service: 'scoring',
  title: 'Scoring service',
  description: 'Instant credit decisions from a points-based scorecard and policy rules.',
  envSchema: scoringEnvSchema,
  module: (config, logger) => ScoringModule.register(config, logger),
});
