import 'reflect-metadata';
import { runService } from '@credit/platform';
import { ledgerApi } from '@credit/api';
import { LedgerModule } from './app.module';
import { ledgerEnvSchema } from './config/env';

void runService({
  service: 'ledger',
  api: ledgerApi,
  envSchema: ledgerEnvSchema,
  module: (config, logger) => LedgerModule.register(config, logger),
});
