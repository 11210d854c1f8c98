import 'reflect-metadata';
import { runService } from '@credit/platform';
import { repaymentApi } from '@credit/api';
import { RepaymentModule } from './app.module';
import { repaymentEnvSchema } from './config/env';

void runService({
  service: 'repayment',
  api: repaymentApi,
  envSchema: repaymentEnvSchema,
  module: (config, logger) => RepaymentModule.register(config, logger),
});
