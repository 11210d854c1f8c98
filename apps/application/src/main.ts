import 'reflect-metadata';
import { runService } from '@credit/platform';
import { applicationApi } from './api/application-api';
import { ApplicationModule } from './app.module';
import { applicationEnvSchema } from './config/env';

void runService({
  service: 'application',
  api: applicationApi,
  envSchema: applicationEnvSchema,
  module: (config, logger) => ApplicationModule.register(config, logger),
});
