import 'reflect-metadata';
import { runService } from '@credit/platform';
import { disbursementApi } from '@credit/api';
import { DisbursementModule } from './app.module';
import { disbursementEnvSchema } from './config/env';

void runService({
  service: 'disbursement',
  api: disbursementApi,
  envSchema: disbursementEnvSchema,
  module: (config, logger) => DisbursementModule.register(config, logger),
});
