import 'reflect-metadata';
import { runService } from '@credit/platform';
import { ApplicationModule } from './app.module';
import { applicationEnvSchema } from './config/env';

void runService({
  service: 'application',
  title: 'Application service',
  description: 'Credit line and draw applications: intake, validation and status.',
  envSchema: applicationEnvSchema,
  module: (config, logger) => ApplicationModule.register(config, logger),
});
