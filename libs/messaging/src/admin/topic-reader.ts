import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/** Offsets [start, end) of one partition to read; end is exclusive. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export interface RangeSelection {
  readonly topics: readonly string[];
  readonly partition?: number;
  /** Inclusive first offset (per partition). */
  readonly fromOffset?: bigint;
  /** Inclusive last offset (per partition). */
  readonly toOffset?: bigint;
  /** Records with a timestamp at or after this instant. */
  readonly fromTime?: Date;
  /** Records with a timestamp before this instant. */
  readonly toTime?: Date;
}

/**
 * The offset ranges a selection covers, fixed when the read starts: records appended later are not
 * part of it, so a read always ends. Times become offsets through the broker's time index.
 */
export async function planRanges(
  admin: Admin,
  selection: RangeSelection,
): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of selection.topics) {
    const watermarks = await admin.fetchTopicOffsets(topic);
    const fromTime = selection.fromTime
      ? offsetsAt(await admin.fetchTopicOffsetsByTimestamp(topic, selection.fromTime.getTime()))
      : undefined;
    const toTime = selection.toTime
      ? offsetsAt(await admin.fetchTopicOffsetsByTimestamp(topic, selection.toTime.getTime()))
      : undefined;
    for (const mark of watermarks) {
      if (selection.partition !== undefined && mark.partition !== selection.partition) continue;
      const low = BigInt(mark.low);
      const high = BigInt(mark.high);
      let start = low;
      let end = high;
      if (selection.fromOffset !== undefined) start = max(start, selection.fromOffset);
      if (selection.toOffset !== undefined) end = min(end, selection.toOffset + 1n);
      const timeStart = fromTime?.get(mark.partition);
      if (timeStart !== undefined) start = max(start, timeStart < 0n ? high : timeStart);
      const timeEnd = toTime?.get(mark.partition);
      if (timeEnd !== undefined && timeEnd >= 0n) end = min(end, timeEnd);
      ranges.push({ topic, partition: mark.partition, start, end: max(start, end) });
    }
  }
  return ranges;
}

export function rangeSize(ranges: readonly PartitionRange[]): number {
  return Number(ranges.reduce((sum, r) => sum + (r.end - r.start), 0n));
}

export interface ReadControl {
  /** True when the reader should stop early (cancelled). */
  stopped(): boolean;
}

/**
 * Reads every record of the ranges once, in offset order per partition, through a throwaway
 * consumer group (so live consumers and their committed offsets are never touched), then deletes
 * the group. Resolves when every range is read or the read is stopped.
 */
export async function readRanges(
  kafka: Kafka,
  groupId: string,
  ranges: readonly PartitionRange[],
  onRecord: (topic: string, partition: number, message: KafkaMessage) => Promise<void> | void,
  control: ReadControl,
  options: { maxBytesPerPartition?: number } = {},
): Promise<void> {
  const pending = new Map<string, PartitionRange>();
  for (const range of ranges) {
    if (range.end > range.start) pending.set(`${range.topic}/${range.partition}`, range);
  }
  if (pending.size === 0) return;
  const topics = [...new Set([...pending.values()].map((r) => r.topic))];
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
  });
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const check = () => {
    if (pending.size === 0 || control.stopped()) finish();
  };
  consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const key = `${batch.topic}/${batch.partition}`;
        const range = pending.get(key);
        if (!range) return;
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale() || control.stopped()) break;
          const offset = BigInt(message.offset);
          if (offset >= range.end) break;
          if (offset >= range.start) await onRecord(batch.topic, batch.partition, message);
          // The next fetch starts after the last resolved offset: unresolved, a batch comes back.
          payload.resolveOffset(message.offset);
          if (offset + 1n >= range.end) {
            pending.delete(key);
            break;
          }
          await payload.heartbeat();
        }
        check();
      },
    });
    for (const range of pending.values()) {
      consumer.seek({
        topic: range.topic,
        partition: range.partition,
        offset: String(range.start),
      });
    }
    const poll = setInterval(check, 250);
    try {
      await done;
    } finally {
      clearInterval(poll);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}

function offsetsAt(list: { partition: number; offset: string }[]): Map<number, bigint> {
  return new Map(list.map((p) => [p.partition, BigInt(p.offset)]));
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
