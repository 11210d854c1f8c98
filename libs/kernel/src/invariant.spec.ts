import { InvariantViolation, invariant, isInvariantViolation } from './invariant';

describe('invariant', () => {
  it('returns when the condition holds, and narrows the type', () => {
    const value: string | undefined = 'row';
    invariant(value, 'a row');
    expect(value.length).toBe(3);
    expect(() => invariant(1, 'truthy')).not.toThrow();
  });

  it.each([false, 0, '', null, undefined])('throws an InvariantViolation on %p', (condition) => {
    let thrown: unknown;
    try {
      invariant(condition, 'hold H-1 vanished under its lock');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvariantViolation);
    expect(isInvariantViolation(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('invariant violated: hold H-1 vanished under its lock');
    expect((thrown as Error).name).toBe('InvariantViolation');
  });

  it('tells an InvariantViolation from any other error', () => {
    expect(isInvariantViolation(new Error('invariant violated: x'))).toBe(false);
    expect(isInvariantViolation('invariant violated')).toBe(false);
  });
});
