import 'reflect-metadata';
import { runService } from '@credit/platform';
import { LedgerModule } from './app.module';
import { ledgerEnvSchema } from './config/env';

void runService({
  service: 'ledger',
  title: 'Ledger service',
  description: 'The double-entry book of record: accounts, journal entries, balances.',
  envSchema: ledgerEnvSchema,
  module: (config, logger) => LedgerModule.register(config, logger),
});
