import {
  type GroupCommitLimits,
  type GroupFlush,
  GroupCommitter,
  PostingQueueFullError,
} from './group-commit';

/** A request: its idempotency keys; a key starting with "bad" fails wherever it is committed. */
type Request = readonly string[];

/** A flush that records each transaction and is released by the test, not by time. */
class FakeFlush implements GroupFlush<Request, string> {
  readonly transactions: { kind: 'together' | 'alone'; requests: Request[] }[] = [];
  private readonly gates: (() => void)[] = [];
  /** While true, commits wait for release() (which lets every later commit through). */
  held = false;

  together(requests: readonly Request[]): Promise<string[]> {
    return this.commit('together', [...requests]).then(() => requests.map((r) => r.join('+')));
  }

  alone(request: Request): Promise<string> {
    return this.commit('alone', [request]).then(() => request.join('+'));
  }

  release(): void {
    this.held = false;
    this.gates.splice(0).forEach((open) => open());
  }

  private async commit(kind: 'together' | 'alone', requests: Request[]): Promise<void> {
    this.transactions.push({ kind, requests });
    if (this.held) await new Promise<void>((open) => this.gates.push(open));
    const bad = requests.flat().find((key) => key.startsWith('bad'));
    if (bad) throw new Error(`${bad} is rejected`);
  }
}

const limits = (overrides: Partial<GroupCommitLimits> = {}): GroupCommitLimits => ({
  maxEntries: 100,
  windowMs: 0,
  queueMaxEntries: 1000,
  concurrencyMax: 1,
  ...overrides,
});

function committer(flush: FakeFlush, overrides: Partial<GroupCommitLimits> = {}) {
  return new GroupCommitter<Request, string>(
    limits(overrides),
    flush,
    (request) => request.length,
    (request) => request,
  );
}

describe('group commit', () => {
  it('commits concurrent requests in one transaction and answers each caller with its own result', async () => {
    const flush = new FakeFlush();
    const group = committer(flush);
    const answers = await Promise.all([group.submit(['a']), group.submit(['b', 'c'])]);
    expect(answers).toEqual(['a', 'b+c']);
    expect(flush.transactions).toEqual([{ kind: 'together', requests: [['a'], ['b', 'c']] }]);
  });

  it('runs each request of a failed group alone, so one bad request rejects only itself', async () => {
    const flush = new FakeFlush();
    const group = committer(flush);
    const answers = await Promise.allSettled([
      group.submit(['a']),
      group.submit(['bad-1']),
      group.submit(['c']),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(answers[1]).toMatchObject({ reason: new Error('bad-1 is rejected') });
    expect(flush.transactions.map((t) => t.kind)).toEqual(['together', 'alone', 'alone', 'alone']);
  });

  it('closes a group at maxEntries; a larger request is a group of its own', async () => {
    const flush = new FakeFlush();
    const group = committer(flush, { maxEntries: 3 });
    await Promise.all([
      group.submit(['a', 'b']),
      group.submit(['c', 'd']),
      group.submit(['e', 'f', 'g', 'h']),
      group.submit(['i']),
    ]);
    expect(flush.transactions.map((t) => t.requests)).toEqual([
      [['a', 'b']],
      [['c', 'd']],
      [['e', 'f', 'g', 'h']],
      [['i']],
    ]);
  });

  it('never puts two requests with the same idempotency key in one group', async () => {
    const flush = new FakeFlush();
    const group = committer(flush);
    const answers = await Promise.all([
      group.submit(['k']),
      group.submit(['k']),
      group.submit(['m']),
    ]);
    expect(answers).toEqual(['k', 'k', 'm']);
    expect(flush.transactions.map((t) => t.requests)).toEqual([[['k'], ['m']], [['k']]]);
  });

  it('refuses a request with PostingQueueFullError when the queue holds queueMaxEntries', async () => {
    const flush = new FakeFlush();
    flush.held = true;
    const group = committer(flush, { queueMaxEntries: 2, maxEntries: 1 });
    const first = group.submit(['a']); // committing, held
    await new Promise<void>((resolve) => setImmediate(resolve));
    const queued = [group.submit(['b']), group.submit(['c'])];
    await expect(group.submit(['d'])).rejects.toBeInstanceOf(PostingQueueFullError);
    expect(group.waitingEntries).toBe(2);
    // The requests queued behind the held commit are flushed once it is released.
    flush.release();
    await expect(Promise.all([first, ...queued])).resolves.toEqual(['a', 'b', 'c']);
    await group.drained();
  });

  it('keeps at most concurrencyMax groups committing', async () => {
    const flush = new FakeFlush();
    flush.held = true;
    const group = committer(flush, { maxEntries: 1, concurrencyMax: 2 });
    const answers = Promise.all(['a', 'b', 'c', 'd'].map((key) => group.submit([key])));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(flush.transactions).toHaveLength(2);
    flush.release();
    await expect(answers).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(flush.transactions).toHaveLength(4);
  });
});
