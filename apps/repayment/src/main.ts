import 'reflect-metadata';
import { runService } from '@credit/platform';
import { RepaymentModule } from './app.module';
import { repaymentEnvSchema } from './config/env';

void runService({
  service: 'repayment',
  title: 'Repayment service',
  description: 'Schedules, repayments by waterfall, accrual and delinquency.',
  envSchema: repaymentEnvSchema,
  module: (config, logger) => RepaymentModule.register(config, logger),
});
