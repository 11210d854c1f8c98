import { canonicalJson } from '@credit/kernel';
import { requestHashOf } from './customer-id';

const pepper = 'test-pepper-0123456789abcdef';

describe('request hash', () => {
  it('ignores key order and undefined fields, and is keyed', () => {
    const a = { kind: 'credit-line', applicant: { name: 'Li Wei', age: 30 } };
    const b = {
      applicant: { age: 30, name: 'Li Wei', dateOfBirth: undefined },
      kind: 'credit-line',
    };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHashOf(a, pepper)).toBe(requestHashOf(b, pepper));
    expect(requestHashOf(a, `${pepper}x`)).not.toBe(requestHashOf(a, pepper));
    expect(requestHashOf({ ...a, kind: 'draw' }, pepper)).not.toBe(requestHashOf(a, pepper));
  });
});
