import { type ServiceName, Services } from '@credit/contracts';
import { messagingRoutes, messagingTags } from '@credit/messaging';
import { type AnyRoute, type ServiceApi, healthRoute } from '@credit/platform';

/**
 * A service's API: its own routes and tags, then what every service answers alike (the messaging
 * admin routes and /health, with their tags), on the service's default port.
 */
export function serviceApi(
  service: ServiceName,
  api: {
    readonly title: string;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly routes: readonly AnyRoute[];
  },
): ServiceApi {
  return {
    service,
    title: api.title,
    description: api.description,
    port: Services[service].port,
    tags: { ...messagingTags, ...api.tags },
    routes: [...api.routes, ...messagingRoutes, healthRoute],
  };
}
