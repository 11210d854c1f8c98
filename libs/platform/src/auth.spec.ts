import type { ExecutionContext, HttpException } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiKeyDirectory, ApiKeyGuard, actorOf } from './auth';
import { AuthFailureLimiter } from './http/hardening';

const operator = 'operator-key-0000000000000001';
const admin = 'admin-key-00000000000000000001';

describe('ApiKeyDirectory (bootstrap keys from the environment)', () => {
  it('knows each configured key as the bootstrap holder of its role', () => {
    const keys = new ApiKeyDirectory({ operator, admin });
    expect(keys.authenticate(admin)).toEqual({
      role: 'admin',
      credentialId: 'env-admin',
      holder: 'bootstrap',
    });
    expect(actorOf(keys.authenticate(operator))).toBe('operator:bootstrap:env-operator');
    expect(keys.authenticate('unknown-key-000000000000001')).toBeUndefined();
  });

  it('disables the operator and admin keys that are unset', () => {
    const keys = new ApiKeyDirectory({});
    expect(keys.authenticate(operator)).toBeUndefined();
    expect(keys.authenticate(admin)).toBeUndefined();
    expect(new ApiKeyDirectory({ admin }).authenticate(admin)?.role).toBe('admin');
    expect(new ApiKeyDirectory({ admin }).authenticate(operator)).toBeUndefined();
  });

  it('refuses one key for two roles', () => {
    expect(() => new ApiKeyDirectory({ operator: admin, admin })).toThrow('must differ');
  });
});

describe('ApiKeyGuard with named credentials still loading', () => {
  const loadingCredentials = {
    authenticate: () => undefined,
    loading: (credential: string) => credential.startsWith('cred_'),
  };

  function contextWith(token: string) {
    const headers: Record<string, string> = {};
    const request = { headers: { authorization: `Bearer ${token}` }, ip: '10.0.0.1' };
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
    const context = {
      getHandler: () => undefined,
      getClass: () => undefined,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    return { context, headers, request };
  }

  const guard = (limiter = new AuthFailureLimiter(1, 1)) =>
    new ApiKeyGuard(
      { getAllAndOverride: () => undefined } as unknown as Reflector,
      [new ApiKeyDirectory({ operator, admin }), loadingCredentials],
      limiter,
    );

  it('answers an unknown bearer 503 with Retry-After, not 401, and counts no failure', () => {
    const limiter = new AuthFailureLimiter(1, 1);
    const { context, headers } = contextWith('cred_0123456789ab_x');
    for (let i = 0; i < 3; i++) {
      let status: number | undefined;
      try {
        guard(limiter).canActivate(context);
      } catch (error) {
        status = (error as HttpException).getStatus();
        expect((error as HttpException).getResponse()).toMatchObject({
          code: 'AUTH.CREDENTIALS_LOADING',
        });
      }
      expect(status).toBe(503);
    }
    expect(headers['Retry-After']).toBe('1');
  });

  it('answers 401 at once for a bearer that is no named credential', () => {
    const { context } = contextWith('not-a-credential-000000000001');
    expect(() => guard().canActivate(context)).toThrow('the API key is not valid');
  });

  it('still admits the keys it knows', () => {
    const { context, request } = contextWith(operator);
    expect(guard().canActivate(context)).toBe(true);
    expect((request as { principal?: unknown }).principal).toEqual({
      role: 'operator',
      credentialId: 'env-operator',
      holder: 'bootstrap',
    });
  });
});
