import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { CredentialsTopic, credentialStateSchema, envelopeSchema } from '@credit/contracts';
import { backoffDelayMs } from '@credit/kernel';
import {
  type Authenticator,
  CredentialBook,
  type HealthCheckResult,
  credentialIdOfSecret,
  type Principal,
} from '@credit/platform';

/** Where a reader of a topic stands against the end offsets the topic had when it started. */
export class CatchUp {
  private readonly remaining = new Map<number, bigint>();

  /** `ends`: each partition's first and next offset (low, high) when reading began. */
  constructor(ends: readonly { partition: number; low: string; high: string }[]) {
    for (const end of ends) {
      if (BigInt(end.high) > BigInt(end.low)) this.remaining.set(end.partition, BigInt(end.high));
    }
  }

  /** A record of `partition` at `offset` was applied. */
  reached(partition: number, offset: string): void {
    const end = this.remaining.get(partition);
    if (end !== undefined && BigInt(offset) + 1n >= end) this.remaining.delete(partition);
  }

  get done(): boolean {
    return this.remaining.size === 0;
  }

  /** The partitions still behind, as `partition<end` for a readiness detail. */
  describe(): string {
    return [...this.remaining].map(([p, end]) => `partition ${p} to offset ${end}`).join(', ');
  }
}

export interface CredentialDirectoryOptions {
  /** The consumer group: this instance's own (every instance reads every credential). */
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly connectBackoffInitialMs: number;
  readonly connectBackoffMaxMs: number;
}

/**
 * The named operator and admin credentials, read from `platform.credentials` into memory and
 * kept current: an issue or a revocation published by the ledger takes effect here as it
 * arrives, without a restart. Each instance reads the whole (compacted) topic from the beginning
 * with a consumer group of its own that never commits. Until it has read to the end offsets the
 * topic had when it started, the service is not ready (/health) and an unknown bearer secret is
 * answered 503, not 401.
 */
export class CredentialDirectory implements Authenticator {
  private readonly book = new CredentialBook();
  private catchUp: CatchUp | undefined;
  private consumer: Consumer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private announced = false;
  private lastError: string | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: CredentialDirectoryOptions,
    private readonly logger: Logger,
  ) {}

  authenticate(credential: string): Principal | undefined {
    return this.book.authenticate(credential);
  }

  /** Whether it cannot tell yet if it knows `credential`: a named credential's secret, before it caught up. */
  loading(credential: string): boolean {
    return !this.catchUp?.done && credentialIdOfSecret(credential) !== undefined;
  }

  readiness(): HealthCheckResult {
    if (this.catchUp?.done) return { up: true };
    return {
      up: false,
      detail: this.catchUp
        ? `reading named credentials from ${CredentialsTopic}: ${this.catchUp.describe()}`
        : `named credentials not read yet from ${CredentialsTopic}${this.lastError ? `: ${this.lastError}` : ''}`,
    };
  }

  /** How many credentials it knows, revoked ones included. */
  get size(): number {
    return this.book.size;
  }

  /**
   * Applies one record of the topic (a `credential.recorded` envelope); a record that is not one
   * is logged and skipped. True when it changed what the directory knows.
   */
  applyRecord(value: Buffer | null): boolean {
    if (!value) return false;
    let state;
    try {
      const envelope = envelopeSchema.parse(JSON.parse(value.toString('utf8')));
      if (envelope.type !== 'credential.recorded' || envelope.version !== 1)
        throw new Error(`unexpected event ${envelope.type} v${envelope.version}`);
      state = credentialStateSchema.parse(envelope.payload);
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        `skipped a record of ${CredentialsTopic} that is not a valid credential state`,
      );
      return false;
    }
    const changed = this.book.apply(state);
    if (changed)
      this.logger.info(
        { credentialId: state.id, holder: state.holder, role: state.role },
        state.revokedAt
          ? `credential ${state.id} of ${state.holder} revoked`
          : `credential ${state.id} of ${state.holder} (${state.role}) known`,
      );
    return changed;
  }

  /** Starts reading in the background, retrying until connected or stopped. */
  start(): void {
    this.running ??= this.connectWithRetry();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async connectWithRetry(): Promise<void> {
    const backoff = {
      initialMs: this.options.connectBackoffInitialMs,
      maxMs: this.options.connectBackoffMaxMs,
    };
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.connectOnce();
        this.lastError = undefined;
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        const delayMs = backoffDelayMs(backoff, attempt);
        this.logger.warn(
          { attempt, retryInMs: delayMs },
          `cannot read ${CredentialsTopic} yet (attempt ${attempt}): ${this.lastError}; retrying in ${delayMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends;
    try {
      ends = await admin.fetchTopicOffsets(CredentialsTopic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const catchUp = new CatchUp(ends);
    this.catchUp = catchUp;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.floor(this.options.sessionTimeoutMs / 10),
      allowAutoTopicCreation: false,
      retry: {
        retries: 10,
        initialRetryTime: 300,
        maxRetryTime: 30_000,
        restartOnFailure: () => Promise.resolve(true),
      },
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [CredentialsTopic], fromBeginning: true });
      await consumer.run({
        // Never commits: a restart (of the consumer or the process) reads everything again.
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          this.applyRecord(message.value);
          catchUp.reached(partition, message.offset);
          this.announceCaughtUp();
          return Promise.resolve();
        },
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.consumer = consumer;
    this.announceCaughtUp();
  }

  private announceCaughtUp(): void {
    if (this.announced || !this.catchUp?.done) return;
    this.announced = true;
    this.logger.info(
      { credentials: this.book.size },
      `read ${CredentialsTopic} to its end: ${this.book.size} named credentials known`,
    );
  }
}
