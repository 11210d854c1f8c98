import { Kafka, logLevel } from 'kafkajs';
import { topicSpecs } from '@credit/contracts';
import { ensureTopics } from '@credit/messaging';
import type { CliContext } from '../context';

function kafkaOf(context: CliContext): Kafka {
  return new Kafka({
    clientId: 'credit-cli',
    brokers: context.brokers,
    logLevel: logLevel.NOTHING,
  });
}

/** Creates every domain topic and its .dlq companion and platform.credentials; brings their config back to the spec. */
export async function topicsEnsure(context: CliContext): Promise<number> {
  const specs = topicSpecs();
  const report = await ensureTopics(kafkaOf(context), specs);
  context.out(
    `topics: ${report.created.length} created, ${report.existing.length} already present (${specs.length} in all)`,
  );
  for (const name of report.created) context.out(`  created ${name}`);
  return 0;
}

/** Lists the platform's topics with partitions and retention, as the broker reports them. */
export async function topicsList(context: CliContext): Promise<number> {
  const admin = kafkaOf(context).admin();
  await admin.connect();
  try {
    const wanted = topicSpecs().map((spec) => spec.name);
    const present = new Set(await admin.listTopics());
    const { topics } = await admin.fetchTopicMetadata({
      topics: wanted.filter((t) => present.has(t)),
    });
    const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
    let missing = 0;
    for (const name of wanted) {
      const count = partitions.get(name);
      if (count === undefined) missing++;
      context.out(`${name.padEnd(32)} ${count === undefined ? 'MISSING' : `${count} partitions`}`);
    }
    return missing === 0 ? 0 : 1;
  } finally {
    await admin.disconnect();
  }
}
