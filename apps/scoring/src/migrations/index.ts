import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreateDecisions1764300000000 } from './1764300000000-create-decisions';
import { ReferralResolutions1765300000000 } from './1765300000000-referral-resolutions';
import { LineExposure1765600000000 } from './1765600000000-line-exposure';
import { ModelDeployments1766760000000 } from './1766760000000-model-deployments';

/** Append-only, applied in order at start and before tests; table scoring_migrations. */
export const scoringMigrations = [
  CreateMessagingTables1764000000000,
  CreateDecisions1764300000000,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  ReferralResolutions1765300000000,
  LineExposure1765600000000,
  ModelDeployments1766760000000,
];
