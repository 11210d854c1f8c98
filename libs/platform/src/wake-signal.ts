/**
 * A wake-up that cannot be lost between a check and a wait: read `generation` before looking for
 * work, and `waitAfter(generation)` resolves at once if a `notify()` came in between, else at the
 * next one. Used where workers that found nothing must wait for new work (a NOTIFY, another worker
 * finishing) instead of polling.
 */
export class WakeSignal {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** How many notifications so far; pass it to `waitAfter`. */
  get generation(): number {
    return this.count;
  }

  notify(): void {
    this.count += 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when a notification later than `generation` has come (at once if it already has). */
  waitAfter(generation: number): Promise<void> {
    if (this.count !== generation) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
