import 'reflect-metadata';
import { runService } from '@credit/platform';
import { applicationApi } from '@credit/api';
import { ApplicationModule } from './app.module';
import { applicationEnvSchema } from './config/env';

void runService({
  service: 'application',
  api: applicationApi,
  envSchema: applicationEnvSchema,
  module: (config, logger) => ApplicationModule.register(config, logger),
});
