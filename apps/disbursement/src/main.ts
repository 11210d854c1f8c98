import 'reflect-metadata';
import { runService } from '@credit/platform';
import { DisbursementModule } from './app.module';
import { disbursementEnvSchema } from './config/env';

void runService({
  service: 'disbursement',
  title: 'Disbursement service',
  description: 'Loans created from approved draws, paid out through the payment rail.',
  envSchema: disbursementEnvSchema,
  module: (config, logger) => DisbursementModule.register(config, logger),
});
