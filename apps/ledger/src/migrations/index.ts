import { PayoutStatements1766000000000 } from './1766000000000-payout-statements';
import {
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  CreateAdminTables1764900000000,
  CreateMessagingTables1764000000000,
} from '@credit/messaging';
import { CreateLedger1764100000000 } from './1764100000000-create-ledger';
import { SeedChartOfAccounts1764100000001 } from './1764100000001-seed-chart-of-accounts';
import { CreditLineAccounts1764100000002 } from './1764100000002-credit-line-accounts';
import { ReconciliationRuns1764100000003 } from './1764100000003-reconciliation-runs';
import { LoanPositions1764100000004 } from './1764100000004-loan-positions';
import { OneQueryBalanceCheck1764110000000 } from './1764110000000-one-query-balance-check';
import { LeastPrivilegeJournal1766500000000 } from './1766500000000-least-privilege-journal';
import { AuditActors1766600000000 } from './1766600000000-audit-actors';
import { Credentials1766600000001 } from './1766600000001-credentials';

/** Append-only, applied in order at start and before tests; table ledger_migrations. */
export const ledgerMigrations = [
  CreateMessagingTables1764000000000,
  CreateLedger1764100000000,
  SeedChartOfAccounts1764100000001,
  CreditLineAccounts1764100000002,
  ReconciliationRuns1764100000003,
  LoanPositions1764100000004,
  OneQueryBalanceCheck1764110000000,
  CreateAdminTables1764900000000,
  AddOutboxHeaders1764900000001,
  AddWorkerSignals1765200000000,
  PayoutStatements1766000000000,
  LeastPrivilegeJournal1766500000000,
  AuditActors1766600000000,
  Credentials1766600000001,
];
