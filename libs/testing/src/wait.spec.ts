import { waitFor, waitUntil } from './wait';

describe('waitFor', () => {
  it('returns the first value the probe gives, polling until it gives one', async () => {
    let calls = 0;
    const value = await waitFor(
      'the third call',
      () => (++calls === 3 ? 'ready' : undefined),
      5_000,
      1,
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('takes a falsy value other than undefined as an answer', async () => {
    await expect(waitFor('zero', () => 0, 1_000, 1)).resolves.toBe(0);
  });

  it('fails naming what it waited for once the time is up', async () => {
    await expect(waitFor('the impossible', () => undefined, 20, 5)).rejects.toThrow(
      'timed out after 20 ms waiting for the impossible',
    );
  });
});

describe('waitUntil', () => {
  it('resolves once the condition holds and fails when it never does', async () => {
    let n = 0;
    await waitUntil('n reaches 2', () => ++n >= 2, 1_000, 1);
    expect(n).toBe(2);
    await expect(waitUntil('never', () => false, 20, 5)).rejects.toThrow('waiting for never');
  });
});
