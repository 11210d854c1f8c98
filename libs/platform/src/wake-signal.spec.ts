import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('a waiter wakes at the next notify, not before', async () => {
    const signal = new WakeSignal();
    let woken = false;
    const waiting = signal.waitAfter(signal.generation).then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    signal.notify();
    await waiting;
    expect(woken).toBe(true);
  });

  it('a notify between the check and the wait is not lost', async () => {
    const signal = new WakeSignal();
    const seen = signal.generation;
    signal.notify(); // arrives while the worker was still looking for work
    let woken = false;
    await signal.waitAfter(seen).then(() => (woken = true));
    expect(woken).toBe(true);
  });

  it('every waiter wakes on one notify', async () => {
    const signal = new WakeSignal();
    const seen = signal.generation;
    const all = Promise.all([
      signal.waitAfter(seen),
      signal.waitAfter(seen),
      signal.waitAfter(seen),
    ]);
    signal.notify();
    await expect(all).resolves.toHaveLength(3);
  });
});
