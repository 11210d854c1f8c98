import fc from 'fast-check';
import {
  canonicalJson,
  keyedRequestHash,
  legacyJsonRequestHash,
  requestHash,
} from './canonical-json';

describe('canonicalJson', () => {
  it('gives one text whatever the key order, at every level', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null }, e: 'text' };
    const b = { e: 'text', a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1,"e":"text"}');
  });

  it('keeps array order significant and drops undefined properties', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('distinguishes values JSON distinguishes', () => {
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson('x')).toBe('"x"');
  });

  it('property: parses back to the same value and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const reordered = JSON.parse(text, (_key, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        );
        expect(canonicalJson(reordered)).toBe(text);
      }),
    );
  });
});

describe('request hashes (keys are kept forever: these answers must never change)', () => {
  it('requestHash is SHA-256 of the canonical JSON, the scheme the ledger has always stored', () => {
    expect(requestHash({ b: 1, a: [1, 'x'] })).toBe(
      'a88dede55f330dbae7d6c99cb78c43213f114625ed11c8fd0b769d117c06bb50',
    );
    expect(requestHash({ a: [1, 'x'], b: 1, c: undefined })).toBe(
      requestHash({ b: 1, a: [1, 'x'] }),
    );
  });

  it('keyedRequestHash is the applications hash (HMAC, purpose-prefixed)', () => {
    const request = { kind: 'credit-line', applicant: { name: 'Li Wei', age: 30 } };
    expect(
      keyedRequestHash('test-pepper-0123456789abcdef', 'application-request:v1', request),
    ).toBe('53df7503ad47b0a0dabc27d60e0b93a2092387585704abc70da51d2824bc26bc');
  });

  it('legacyJsonRequestHash is the repayments hash written before the upgrade (key order as built)', () => {
    const request = { loanId: 'L-1', amount: '100.00', currency: 'CNY' };
    expect(legacyJsonRequestHash(request)).toBe(
      '84dd301479208361121a2dd218edadb38a595d158560f32fe8b3b453e0a21d24',
    );
    expect(legacyJsonRequestHash(request)).not.toBe(requestHash(request));
  });
});

describe('a list of scalars', () => {
  it('hashes as JSON.stringify did (referral resolutions keep their stored hashes)', () => {
    const content = ['approve', 'A-1', 'ops@bank', null, '15000.00', 'standard'];
    expect(requestHash(content)).toBe(legacyJsonRequestHash(content));
  });
});
