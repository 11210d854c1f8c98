import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { CredentialRefused } from './auth';
import {
  CustomerTokenVerifier,
  DevelopmentCustomerTokenKey,
  customerTokenSigningKeyOf,
  mintCustomerToken,
  parseCustomerTokenPublicKeys,
} from './customer-token';

const der = (pair: { publicKey: KeyObject; privateKey: KeyObject }) => ({
  publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
});
const current = der(generateKeyPairSync('ed25519'));
const previous = der(generateKeyPairSync('ed25519'));
const stranger = der(generateKeyPairSync('ed25519'));

const customer = 'C-cc5b0f845ea49b5735a9c08121790754';
const now = new Date('2026-12-03T12:00:00Z');
const nowSeconds = now.getTime() / 1000;
const policy = { clockSkewSeconds: 60, maxLifetimeSeconds: 86_400 };
const keys = parseCustomerTokenPublicKeys(
  `k-2026:${current.publicKey}, k-2025:${previous.publicKey}`,
);
const verifier = new CustomerTokenVerifier(keys, policy, () => now);

const mint = (overrides: Partial<Parameters<typeof mintCustomerToken>[0]> = {}) =>
  mintCustomerToken({
    privateKey: current.privateKey,
    kid: 'k-2026',
    customerId: customer,
    ttlSeconds: 3_600,
    now,
    ...overrides,
  });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with any header and claims, signed with `privateKey` (or not at all). */
function forge(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  privateKey: string | null = current.privateKey,
): string {
  const signed = `${b64(header)}.${b64(claims)}`;
  if (privateKey === null) return `${signed}.`;
  const key = { key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' } as const;
  return `${signed}.${sign(null, Buffer.from(signed), key).toString('base64url')}`;
}
const goodHeader = { alg: 'EdDSA', typ: 'JWT', kid: 'k-2026' };
const goodClaims = {
  sub: customer,
  aud: 'credit-platform',
  iat: nowSeconds,
  exp: nowSeconds + 3_600,
};

/** The code a token is refused with (undefined: accepted). */
function refusal(token: string, at: CustomerTokenVerifier = verifier): string | undefined {
  try {
    at.verify(token);
    return undefined;
  } catch (error) {
    if (error instanceof CredentialRefused) return error.code;
    throw error;
  }
}

describe('customer tokens', () => {
  it('a minted token verifies to the customer principal', () => {
    expect(verifier.verify(mint())).toEqual({
      role: 'customer',
      credentialId: 'token:k-2026',
      holder: customer,
      customerId: customer,
    });
    // A hand-made token of the same shape is accepted too: the format is the standard one.
    expect(refusal(forge(goodHeader, goodClaims))).toBeUndefined();
  });

  it('minting is pure: the same input, the same token (Ed25519 is deterministic)', () => {
    expect(mint()).toBe(mint());
    expect(mint({ customerId: 'C-00000000000000000000000000000001' })).not.toBe(mint());
  });

  it('rotation: a token of any listed kid verifies, with that kid as its credential', () => {
    const old = mint({ privateKey: previous.privateKey, kid: 'k-2025' });
    expect(verifier.verify(old).credentialId).toBe('token:k-2025');
  });

  it('an expired token is refused as expired, within the clock skew it still passes', () => {
    const issued = new Date(now.getTime() - 3_600_000);
    expect(refusal(mint({ now: issued, ttlSeconds: 3_570 }))).toBeUndefined(); // 30 s ago, skew 60
    expect(refusal(mint({ now: issued, ttlSeconds: 3_500 }))).toBe('AUTH.TOKEN_EXPIRED');
  });

  it('a token issued in the future beyond the skew is invalid; within the skew it passes', () => {
    expect(refusal(mint({ now: new Date(now.getTime() + 30_000) }))).toBeUndefined();
    expect(refusal(mint({ now: new Date(now.getTime() + 120_000) }))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(forge(goodHeader, { ...goodClaims, nbf: nowSeconds + 600 }))).toBe(
      'AUTH.TOKEN_INVALID',
    );
  });

  it('a lifetime over the maximum is invalid, even while unexpired', () => {
    expect(refusal(mint({ ttlSeconds: 86_400 }))).toBeUndefined();
    expect(refusal(mint({ ttlSeconds: 86_401 }))).toBe('AUTH.TOKEN_INVALID');
  });

  it('an unknown kid, a wrong key, a tampered token or signature are invalid', () => {
    expect(refusal(mint({ kid: 'k-unknown' }))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(mint({ privateKey: stranger.privateKey }))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(mint({ privateKey: previous.privateKey }))).toBe('AUTH.TOKEN_INVALID'); // k-2026 names another key
    const [header, , signature] = mint().split('.');
    const otherClaims = b64({ ...goodClaims, sub: 'C-00000000000000000000000000000001' });
    expect(refusal(`${header}.${otherClaims}.${signature}`)).toBe('AUTH.TOKEN_INVALID');
    const longer = b64({ ...goodClaims, exp: goodClaims.exp + 60 });
    expect(refusal(`${header}.${longer}.${signature}`)).toBe('AUTH.TOKEN_INVALID');
    const flipped = Buffer.from(signature!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(refusal(`${header}.${b64(goodClaims)}.${flipped.toString('base64url')}`)).toBe(
      'AUTH.TOKEN_INVALID',
    );
  });

  it('alg none, another alg or no typ are invalid, whatever the signature', () => {
    expect(refusal(forge({ ...goodHeader, alg: 'none' }, goodClaims, null))).toBe(
      'AUTH.TOKEN_INVALID',
    );
    expect(refusal(forge({ ...goodHeader, alg: 'none' }, goodClaims))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(forge({ ...goodHeader, alg: 'HS256' }, goodClaims))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(forge({ ...goodHeader, alg: 'eddsa' }, goodClaims))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(forge({ alg: 'EdDSA', kid: 'k-2026' }, goodClaims))).toBe('AUTH.TOKEN_INVALID');
  });

  it('a wrong audience, a missing expiry or a subject that is no customer id are invalid', () => {
    expect(refusal(forge(goodHeader, { ...goodClaims, aud: 'elsewhere' }))).toBe(
      'AUTH.TOKEN_INVALID',
    );
    expect(refusal(forge(goodHeader, { ...goodClaims, aud: ['credit-platform'] }))).toBe(
      'AUTH.TOKEN_INVALID',
    );
    const { exp: _, ...noExpiry } = goodClaims;
    expect(refusal(forge(goodHeader, noExpiry))).toBe('AUTH.TOKEN_INVALID');
    expect(refusal(forge(goodHeader, { ...goodClaims, exp: `${goodClaims.exp}` }))).toBe(
      'AUTH.TOKEN_INVALID',
    );
    expect(refusal(forge(goodHeader, { ...goodClaims, exp: goodClaims.iat }))).toBe(
      'AUTH.TOKEN_INVALID',
    );
    for (const sub of ['C-CC5B0F845EA49B5735A9C08121790754', 'alice', 42, undefined])
      expect(refusal(forge(goodHeader, { ...goodClaims, sub }))).toBe('AUTH.TOKEN_INVALID');
  });

  it('malformed tokens are invalid; a credential of another shape is not the verifier’s', () => {
    for (const token of [
      'a.b.c',
      `${b64(goodHeader)}.${b64(goodClaims)}.`,
      `${b64([goodHeader])}.${b64(goodClaims)}.AAAA`,
      `${Buffer.from('{not json').toString('base64url')}.${b64(goodClaims)}.AAAA`,
      `${b64(goodHeader)}=.${b64(goodClaims)}.AAAA`,
      `${mint()}${'A'.repeat(2_048)}`,
    ])
      expect(refusal(token)).toBe('AUTH.TOKEN_INVALID');
    expect(verifier.authenticate('test-operator-key-000000000001')).toBeUndefined();
    expect(verifier.authenticate('a.b')).toBeUndefined();
    expect(verifier.authenticate(`${mint()}.x`)).toBeUndefined();
  });

  it('a service without public keys refuses every token', () => {
    const none = new CustomerTokenVerifier(new Map(), policy, () => now);
    expect(refusal(mint(), none)).toBe('AUTH.TOKEN_INVALID');
  });

  it('the public key list names a bad entry and its problem, never a key', () => {
    const problem = (text: string) => {
      try {
        parseCustomerTokenPublicKeys(text);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem(`k1:${current.publicKey}`)).toBeUndefined();
    expect(problem(current.publicKey)).toMatch(/entry 1 must be kid:base64-public-key/);
    expect(problem(`k1:${current.publicKey},k1:${previous.publicKey}`)).toMatch(
      /entry 2: the kid k1 is listed twice/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64');
    expect(problem(`k1:${rsa}`)).toMatch(/must be Ed25519/);
    const privateAsPublic = problem(`k1:${current.privateKey}`);
    expect(privateAsPublic).toMatch(/entry 1 \(kid k1\): not a base64 SPKI DER public key/);
    expect(privateAsPublic).not.toContain(current.privateKey);
    expect(problem(' , ')).toMatch(/at least one/);
  });

  it('mint refuses what no verifier would accept', () => {
    expect(() => mint({ customerId: 'alice' })).toThrow(/customer id/);
    expect(() => mint({ ttlSeconds: 0 })).toThrow(/at least 1/);
    expect(() => mint({ kid: 'a:b' })).toThrow(/kid/);
    expect(() => mint({ privateKey: current.publicKey })).toThrow(/PKCS8/);
  });

  it('tools sign with the configured key, or the development pair', () => {
    expect(customerTokenSigningKeyOf({})).toEqual({
      privateKey: DevelopmentCustomerTokenKey.privateKey,
      kid: 'dev-1',
    });
    expect(
      customerTokenSigningKeyOf({
        CUSTOMER_TOKEN_SIGNING_KEY: current.privateKey,
        CUSTOMER_TOKEN_SIGNING_KID: 'k-2026',
      }),
    ).toEqual({ privateKey: current.privateKey, kid: 'k-2026' });
    expect(() =>
      customerTokenSigningKeyOf({ CUSTOMER_TOKEN_SIGNING_KEY: current.privateKey }),
    ).toThrow(/CUSTOMER_TOKEN_SIGNING_KID is required/);
    const devKeys = parseCustomerTokenPublicKeys(`dev-1:${DevelopmentCustomerTokenKey.publicKey}`);
    const dev = new CustomerTokenVerifier(devKeys, policy, () => now);
    expect(dev.verify(mint({ ...customerTokenSigningKeyOf({}) })).customerId).toBe(customer);
  });
});
