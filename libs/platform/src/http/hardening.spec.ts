import { hostileInputProblems } from '../http-input';
import { AuthFailureLimiter, jsonDepthExceeds } from './hardening';

describe('AuthFailureLimiter', () => {
  it('allows a burst of failures per source, then asks it to wait until a token refills', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(2, 6, () => now);
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(10);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    now = 5_000;
    expect(limiter.retryAfterSeconds('a')).toBe(5);
    now = 10_000;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('is off at zero and forgets refilled sources beyond its bound', () => {
    const off = new AuthFailureLimiter(0, 10);
    off.recordFailure('a');
    expect(off.retryAfterSeconds('a')).toBe(0);
    let now = 0;
    const small = new AuthFailureLimiter(1, 60, () => now, 2);
    small.recordFailure('a');
    small.recordFailure('b');
    now = 60_000;
    small.recordFailure('c');
    expect(small.retryAfterSeconds('c')).toBeGreaterThan(0);
    expect((small as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});

describe('jsonDepthExceeds', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonDepthExceeds('[[[1]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[\\"[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('[{},{},{},{}]', 2)).toBe(false);
  });
});

describe('hostileInputProblems', () => {
  it('names NUL, lone surrogates and prototype keys on their fields', () => {
    const body = JSON.parse(
      '{"a":"x\\u0000","b":["\\ud83d"],"ok":"\\ud83d\\ude00","__proto__":1,"c":{"constructor":2}}',
    ) as unknown;
    expect(hostileInputProblems(body, 'body')).toEqual(
      expect.arrayContaining([
        { field: 'a', problems: ['must not contain NUL characters'] },
        { field: 'b.0', problems: ['must be valid Unicode text (a lone surrogate)'] },
        { field: '__proto__', problems: ['is not an allowed field name'] },
        { field: 'c.constructor', problems: ['is not an allowed field name'] },
      ]),
    );
    expect(hostileInputProblems({ ok: '😀 合法', n: 1, list: [null, true] }, 'body')).toEqual([]);
    expect(hostileInputProblems({ '😀\u0000': 1 }, 'body')).toEqual([
      { field: '😀?', problems: ['must not contain NUL characters'] },
    ]);
    expect(hostileInputProblems('\u0000', 'id')).toEqual([
      { field: 'id', problems: ['must not contain NUL characters'] },
    ]);
  });
});
