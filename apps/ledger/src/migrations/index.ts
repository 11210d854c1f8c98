import { CreateMessagingTables1764000000000 } from '@credit/messaging';

/** Append-only, applied in order at start and before tests; table ledger_migrations. */
export const ledgerMigrations = [CreateMessagingTables1764000000000];
