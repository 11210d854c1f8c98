import { IdempotencyConflict, replayOrConflict } from './idempotency';

const recorded = { id: 'R-1', requestHash: 'h-new', extra: 'kept' };
const naming = { code: 'REPAYMENT.IDEMPOTENCY_CONFLICT', resource: 'another repayment' };

describe('replayOrConflict', () => {
  it('replays the recorded row for the same request', () => {
    expect(replayOrConflict('key-1', recorded, 'h-new', naming)).toBe(recorded);
  });

  it('replays a row recorded with a legacy hash of the same request', () => {
    const old = { id: 'R-0', requestHash: 'h-legacy' };
    expect(replayOrConflict('key-0', old, ['h-new', 'h-legacy'], naming)).toBe(old);
  });

  it('refuses another request with a 409-kind error naming the key and the existing resource', () => {
    let thrown: unknown;
    try {
      replayOrConflict('key-1', recorded, ['h-other', 'h-other-legacy'], {
        ...naming,
        details: { entryId: 'R-1' },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IdempotencyConflict);
    expect(thrown).toMatchObject({
      code: 'REPAYMENT.IDEMPOTENCY_CONFLICT',
      kind: 'conflict',
      message: 'idempotency key "key-1" was used for another repayment (R-1)',
      details: { entryId: 'R-1' },
    });
  });
});
