import { EventCatalog, type EventDefinition } from './catalog';

/**
 * Every event definition of the platform, by type and payload version. Each business issue adds
 * its events here with their zod schemas; producers validate on publish, consumers on consume.
 */
export const platformEventDefinitions: readonly EventDefinition[] = [];

export function platformEventCatalog(): EventCatalog {
  return new EventCatalog(platformEventDefinitions);
}
