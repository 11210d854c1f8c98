/** How concurrent postings are coalesced into shared transactions. */
import { InvariantViolation } from '@credit/kernel';
export interface GroupCommitLimits {
  /** A group closes at this many entries (a larger request is a group of its own). */
  readonly maxEntries: number;
  /** A request waits at most this long for others to join its group. */
  readonly windowMs: number;
  /** Entries waiting for a group at most; beyond it a request is refused (503). */
  readonly queueMaxEntries: number;
  /** Groups committing at the same time at most (each holds one database connection). */
  readonly concurrencyMax: number;
}

export const DefaultGroupCommitLimits: GroupCommitLimits = {
  maxEntries: 200,
  windowMs: 1,
  queueMaxEntries: 10_000,
  concurrencyMax: 4,
};

/** The queue is full: the caller should retry after a moment (HTTP 503 with Retry-After). */
export class PostingQueueFullError extends Error {
  readonly code = 'LEDGER.BUSY';
  /** Seconds after which a retry is likely to find room. */
  readonly retryAfterSeconds = 1;
  constructor(queued: number, max: number) {
    super(`the ledger is busy: ${queued} entries are waiting (at most ${max}); retry shortly`);
    this.name = 'PostingQueueFullError';
  }
}

/** What a group commit runs: one transaction for many requests, or one for a single request. */
export interface GroupFlush<TRequest, TResult> {
  /** Commits the requests in one transaction: one result per request, in their order. */
  together(requests: readonly TRequest[]): Promise<TResult[]>;
  /** Commits one request in a transaction of its own (after its group failed). */
  alone(request: TRequest): Promise<TResult>;
}

interface Waiting<TRequest, TResult> {
  readonly request: TRequest;
  readonly size: number;
  readonly keys: readonly string[];
  readonly resolve: (result: TResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: requests submitted while others are waiting share one transaction. A group is
 * flushed `windowMs` after its first request, or at once when `maxEntries` are waiting, with at
 * most `concurrencyMax` groups committing together. A request never shares a group with another
 * request naming one of its idempotency keys (the later one then finds the earlier one committed
 * and is answered as a replay or a conflict). When a group fails, each of its requests is run
 * alone, so one bad request never rejects the others; every caller gets its own answer.
 */
export class GroupCommitter<TRequest, TResult> {
  private readonly queue: Waiting<TRequest, TResult>[] = [];
  private queuedEntries = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly limits: GroupCommitLimits,
    private readonly flush: GroupFlush<TRequest, TResult>,
    private readonly sizeOf: (request: TRequest) => number,
    private readonly keysOf: (request: TRequest) => readonly string[],
  ) {}

  submit(request: TRequest): Promise<TResult> {
    const size = Math.max(1, this.sizeOf(request));
    if (this.queuedEntries + size > this.limits.queueMaxEntries && this.queue.length > 0) {
      return Promise.reject(
        new PostingQueueFullError(this.queuedEntries, this.limits.queueMaxEntries),
      );
    }
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ request, size, keys: this.keysOf(request), resolve, reject });
      this.queuedEntries += size;
      if (this.queuedEntries >= this.limits.maxEntries) this.drain();
      else this.schedule();
    });
  }

  /** Resolves once nothing is queued or committing (for an orderly shutdown). */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise<void>((resolve) => this.idle.add(resolve));
    }
  }

  /** Entries waiting for a group (for tests and metrics). */
  get waitingEntries(): number {
    return this.queuedEntries;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, this.limits.windowMs);
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.limits.concurrencyMax) {
      void this.commit(this.take());
    }
  }

  /** The next group: queued requests in order up to maxEntries, no idempotency key twice. */
  private take(): Waiting<TRequest, TResult>[] {
    const group: Waiting<TRequest, TResult>[] = [];
    const keys = new Set<string>();
    let entries = 0;
    for (let index = 0; index < this.queue.length;) {
      const waiting = this.queue[index];
      if (!waiting) break;
      const fits = group.length === 0 || entries + waiting.size <= this.limits.maxEntries;
      if (!fits) break;
      if (waiting.keys.some((key) => keys.has(key))) {
        index++;
        continue;
      }
      waiting.keys.forEach((key) => keys.add(key));
      entries += waiting.size;
      group.push(waiting);
      this.queue.splice(index, 1);
    }
    this.queuedEntries -= entries;
    return group;
  }

  private async commit(group: Waiting<TRequest, TResult>[]): Promise<void> {
    this.inFlight++;
    try {
      await this.run(group);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.drain();
      else if (this.inFlight === 0) {
        const waiters = [...this.idle];
        this.idle.clear();
        waiters.forEach((wake) => wake());
      }
    }
  }

  private async run(group: Waiting<TRequest, TResult>[]): Promise<void> {
    const [single] = group;
    if (single && group.length === 1) {
      await this.flush.alone(single.request).then(single.resolve, single.reject);
      return;
    }
    let results: TResult[];
    try {
      results = await this.flush.together(group.map((waiting) => waiting.request));
    } catch {
      // One request's failure rolled the group back: each request is answered on its own.
      await Promise.all(
        group.map((waiting) =>
          this.flush.alone(waiting.request).then(waiting.resolve, waiting.reject),
        ),
      );
      return;
    }
    if (results.length !== group.length) {
      const error = new InvariantViolation(
        `a group of ${group.length} requests got ${results.length} results`,
      );
      group.forEach((waiting) => waiting.reject(error));
      return;
    }
    group.forEach((waiting, index) => waiting.resolve(results[index] as TResult));
  }
}
