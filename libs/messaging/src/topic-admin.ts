import { type Admin, ConfigResourceTypes, type Kafka } from 'kafkajs';
import type { TopicSpec } from '@credit/contracts';

export interface EnsureTopicsReport {
  readonly created: string[];
  readonly existing: string[];
}

/**
 * Creates the topics that are missing, with their partitions and config, and brings the config of
 * existing ones (retention) back to the spec. Never deletes or shrinks anything.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
): Promise<EnsureTopicsReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopicsWith(admin, specs);
  } finally {
    await admin.disconnect();
  }
}

async function ensureTopicsWith(
  admin: Admin,
  specs: readonly TopicSpec[],
): Promise<EnsureTopicsReport> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !present.has(spec.name));
  const existing = specs.filter((spec) => present.has(spec.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: configEntriesOf(spec),
      })),
    });
  }
  if (existing.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: existing.map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: spec.name,
        configEntries: configEntriesOf(spec),
      })),
    });
  }
  return { created: missing.map((s) => s.name), existing: existing.map((s) => s.name) };
}

/** A topic spec's config as the Kafka admin API takes it. */
function configEntriesOf(spec: TopicSpec): { name: string; value: string }[] {
  return Object.entries(spec.config).map(([name, value]) => ({ name, value }));
}
