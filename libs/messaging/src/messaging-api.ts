import type { AnyRoute } from '@credit/platform';
import { adminRoutes } from './admin/admin-api';
import { messagingStatusRoute } from './messaging-status.controller';

/** The tags of the routes every service carries from this library, with their descriptions. */
export const messagingTags = {
  operations: 'Health and the event pipeline: outbox backlog, Kafka readiness',
  admin: 'Replays, dead letters and the audit of admin actions (admin role)',
} as const;

/** The routes every service carries from this library: messaging status and the admin surface. */
export const messagingRoutes: readonly AnyRoute[] = [messagingStatusRoute, ...adminRoutes];
