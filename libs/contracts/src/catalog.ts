import { z } from 'zod';

/** One event type at one payload version, and the topic it travels on. */
export interface EventDefinition<TSchema extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly topic: string;
  readonly schema: TSchema;
}

export function defineEvent<TSchema extends z.ZodType>(
  definition: EventDefinition<TSchema>,
): EventDefinition<TSchema> {
  return definition;
}

export type PayloadOf<D> = D extends EventDefinition<infer S> ? z.infer<S> : never;

export class UnknownEventError extends Error {
  readonly code = 'CONTRACTS.UNKNOWN_EVENT';
  constructor(
    readonly type: string,
    readonly version: number,
  ) {
    super(`no schema is registered for event type "${type}" version ${version}`);
  }
}

/** Event definitions by type and version. Producers and consumers validate through it. */
export class EventCatalog {
  private readonly byKey = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): this {
    const key = EventCatalog.keyOf(definition.type, definition.version);
    if (this.byKey.has(key)) throw new Error(`event ${key} is registered twice`);
    this.byKey.set(key, definition);
    return this;
  }

  find(type: string, version: number): EventDefinition | undefined {
    return this.byKey.get(EventCatalog.keyOf(type, version));
  }

  get(type: string, version: number): EventDefinition {
    const definition = this.find(type, version);
    if (!definition) throw new UnknownEventError(type, version);
    return definition;
  }

  all(): EventDefinition[] {
    return [...this.byKey.values()];
  }

  private static keyOf(type: string, version: number): string {
    return `${type}@v${version}`;
  }
}
