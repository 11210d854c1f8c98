import { CreateMessagingTables1764000000000 } from '@credit/messaging';

/** Append-only, applied in order at start and before tests; table scoring_migrations. */
export const scoringMigrations = [CreateMessagingTables1764000000000];
