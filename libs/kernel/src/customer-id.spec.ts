import { CustomerIdPattern, customerIdOf } from './customer-id';

const pepper = 'test-pepper-0123456789abcdef';

describe('customer id from the national ID', () => {
  it('is stable: the same person is the same customer across applications', () => {
    const id = customerIdOf('11010519491231002X', pepper);
    expect(id).toMatch(CustomerIdPattern);
    expect(customerIdOf('11010519491231002X', pepper)).toBe(id);
    // Written differently, still the same ID number.
    expect(customerIdOf('110105 19491231 002x', pepper)).toBe(id);
    expect(customerIdOf('110105-19491231-002X', pepper)).toBe(id);
  });

  it('differs per person and per pepper, and does not contain the ID', () => {
    const id = customerIdOf('11010519491231002X', pepper);
    expect(customerIdOf('110105194912310038', pepper)).not.toBe(id);
    expect(customerIdOf('11010519491231002X', `${pepper}-other`)).not.toBe(id);
    expect(id).not.toContain('11010519491231002X');
    // A known answer (HMAC-SHA256 by openssl, first 32 hex digits): the derivation must never
    // change silently (it would split every customer).
    expect(customerIdOf('11010519491231002X', pepper)).toBe('C-cc5b0f845ea49b5735a9c08121790754');
  });

  it('refuses a short pepper', () => {
    expect(() => customerIdOf('11010519491231002X', 'short')).toThrow(/at least 16/);
  });
});
