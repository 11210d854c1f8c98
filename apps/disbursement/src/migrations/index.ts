import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreateDisbursements1764300000000 } from './1764300000000-create-disbursements';
import { AddLineHold1764300000001 } from './1764300000001-add-line-hold';
import { PayoutClaims1765200000001 } from './1765200000001-payout-claims';
import { PayoutOutcomes1766000000000 } from './1766000000000-payout-outcomes';
import { PayoutReconciliations1766000000001 } from './1766000000001-payout-reconciliations';
import { SettlementActors1766600000000 } from './1766600000000-settlement-actors';

/** Append-only, applied in order at start and before tests; table disbursement_migrations. */
export const disbursementMigrations = [
  CreateMessagingTables1764000000000,
  CreateDisbursements1764300000000,
  AddLineHold1764300000001,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  PayoutClaims1765200000001,
  PayoutOutcomes1766000000000,
  PayoutReconciliations1766000000001,
  SettlementActors1766600000000,
];
