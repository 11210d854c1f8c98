import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreateLoans1764200000000 } from './1764200000000-create-loans';
import { LoanVersion1764200000001 } from './1764200000001-loan-version';
import { BusinessDayActor1766600000000 } from './1766600000000-business-day-actor';

/** Append-only, applied in order at start and before tests; table repayment_migrations. */
export const repaymentMigrations = [
  CreateMessagingTables1764000000000,
  CreateLoans1764200000000,
  LoanVersion1764200000001,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  BusinessDayActor1766600000000,
];
