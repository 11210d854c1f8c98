import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreateApplications1764100000000 } from './1764100000000-create-applications';
import { DrawRepaymentMethod1765300000000 } from './1765300000000-draw-repayment-method';
import { PersonalDataRights1765500000000 } from './1765500000000-personal-data-rights';

/** Append-only, applied in order at start and before tests; table application_migrations. */
export const applicationMigrations = [
  CreateMessagingTables1764000000000,
  CreateApplications1764100000000,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  DrawRepaymentMethod1765300000000,
  PersonalDataRights1765500000000,
];
