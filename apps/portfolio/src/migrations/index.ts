import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreatePortfolio1766700000000 } from './1766700000000-create-portfolio';
import { SnapshotValidity1766750000000 } from './1766750000000-snapshot-validity';
import { ModelReferences1766760000000 } from './1766760000000-model-references';

/** Append-only, applied in order at start and before tests; table portfolio_migrations. */
export const portfolioMigrations = [
  CreateMessagingTables1764000000000,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreatePortfolio1766700000000,
  SnapshotValidity1766750000000,
  ModelReferences1766760000000,
];
