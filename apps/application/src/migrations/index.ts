import { CreateMessagingTables1764000000000 } from '@credit/messaging';

/** Append-only, applied in order at start and before tests; table application_migrations. */
export const applicationMigrations = [CreateMessagingTables1764000000000];
