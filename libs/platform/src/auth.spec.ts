import { ApiKeyDirectory, actorOf } from './auth';

const customer = 'customer-key-0000000000000001';
const operator = 'operator-key-0000000000000001';
const admin = 'admin-key-00000000000000000001';

describe('ApiKeyDirectory (bootstrap keys from the environment)', () => {
  it('knows each configured key as the bootstrap holder of its role', () => {
    const keys = new ApiKeyDirectory({ customer, operator, admin });
    expect(keys.authenticate(admin)).toEqual({
      role: 'admin',
      credentialId: 'env-admin',
      holder: 'bootstrap',
    });
    expect(actorOf(keys.authenticate(operator))).toBe('operator:bootstrap:env-operator');
    expect(keys.authenticate('unknown-key-000000000000001')).toBeUndefined();
  });

  it('disables the operator and admin keys that are unset', () => {
    const keys = new ApiKeyDirectory({ customer });
    expect(keys.authenticate(operator)).toBeUndefined();
    expect(keys.authenticate(admin)).toBeUndefined();
    expect(keys.authenticate(customer)?.role).toBe('customer');
    expect(new ApiKeyDirectory({ customer, admin }).authenticate(admin)?.role).toBe('admin');
  });

  it('refuses one key for two roles', () => {
    expect(() => new ApiKeyDirectory({ customer, operator: admin, admin })).toThrow(
      'must all differ',
    );
  });
});
