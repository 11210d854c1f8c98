import { CreateMessagingTables1764000000000 } from '@credit/messaging';

/** Append-only, applied in order at start and before tests; table disbursement_migrations. */
export const disbursementMigrations = [CreateMessagingTables1764000000000];
