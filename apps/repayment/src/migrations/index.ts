import { CreateMessagingTables1764000000000 } from '@credit/messaging';

/** Append-only, applied in order at start and before tests; table repayment_migrations. */
export const repaymentMigrations = [CreateMessagingTables1764000000000];
