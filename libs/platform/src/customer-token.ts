import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { CustomerIdPattern, customerIdOf } from '@credit/kernel';
import { type Authenticator, CredentialRefused, type Principal } from './auth';
import type { ServiceConfig } from './config';

/**
 * Customer tokens: a compact JWS `b64url(header).b64url(claims).b64url(signature)` signed with
 * Ed25519, header `{alg: "EdDSA", typ: "JWT", kid}`, claims `{sub: <customer id>, aud, iat, exp}`.
 * The services hold only public keys (CUSTOMER_TOKEN_PUBLIC_KEYS, by kid); whoever signs customers
 * in holds the private key. Several kids are rotation: sign with the new one, keep the old public
 * key listed until its tokens expired, then drop it.
 */
export const CustomerTokenAudience = 'credit-platform';
export const CustomerTokenAlgorithm = 'EdDSA';
/** A key id: 1-64 characters of A-Z a-z 0-9 . _ - */
export const CustomerTokenKidPattern = /^[A-Za-z0-9._-]{1,64}$/;
/** Longer than any token this platform mints: anything longer is refused unread. */
const TokenLengthMax = 2_048;
const Base64UrlPattern = /^[A-Za-z0-9_-]+$/;

export const CustomerTokenCodes = {
  expired: 'AUTH.TOKEN_EXPIRED',
  invalid: 'AUTH.TOKEN_INVALID',
} as const;

export interface CustomerTokenPolicy {
  /** Clock difference tolerated between the signer and this service, in seconds. */
  readonly clockSkewSeconds: number;
  /** The longest lifetime (exp - iat) a token may have, in seconds. */
  readonly maxLifetimeSeconds: number;
}

/**
 * `kid:base64(SPKI DER),kid:…` → the Ed25519 public keys by kid. The message names the entry and
 * its problem, never a key.
 */
export function parseCustomerTokenPublicKeys(text: string): ReadonlyMap<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new Error('must list at least one kid:base64-public-key');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const kid = colon < 0 ? '' : entry.slice(0, colon);
    const where = `entry ${index + 1}`;
    if (!CustomerTokenKidPattern.test(kid))
      throw new Error(
        `${where} must be kid:base64-public-key with a kid of 1-64 characters of A-Z a-z 0-9 . _ -`,
      );
    if (keys.has(kid)) throw new Error(`${where}: the kid ${kid} is listed twice`);
    keys.set(kid, ed25519Key(entry.slice(colon + 1), 'public', `${where} (kid ${kid})`));
  });
  return keys;
}

/** An Ed25519 key from base64 DER (SPKI public, PKCS8 private); the message never holds the key. */
function ed25519Key(base64: string, kind: 'public' | 'private', where: string): KeyObject {
  let key: KeyObject;
  try {
    const der = Buffer.from(base64, 'base64');
    key =
      kind === 'public'
        ? createPublicKey({ key: der, format: 'der', type: 'spki' })
        : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error(
      `${where}: not a base64 ${kind === 'public' ? 'SPKI' : 'PKCS8'} DER ${kind} key`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${where}: the ${kind} key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export interface MintCustomerTokenInput {
  /** The Ed25519 private key, base64 PKCS8 DER. */
  readonly privateKey: string;
  readonly kid: string;
  readonly customerId: string;
  readonly ttlSeconds: number;
  readonly now: Date;
}

/** A signed customer token (the CLI, the seed, the bench and tests mint with it). */
export function mintCustomerToken(input: MintCustomerTokenInput): string {
  if (!CustomerTokenKidPattern.test(input.kid))
    throw new Error('the kid must be 1-64 characters of A-Z a-z 0-9 . _ -');
  if (!CustomerIdPattern.test(input.customerId))
    throw new Error('the customer must be a customer id: C- and 32 lowercase hex digits');
  if (!Number.isSafeInteger(input.ttlSeconds) || input.ttlSeconds < 1)
    throw new Error('the lifetime must be a whole number of seconds, at least 1');
  const key = ed25519Key(input.privateKey, 'private', 'the signing key');
  const iat = Math.floor(input.now.getTime() / 1000);
  const header = { alg: CustomerTokenAlgorithm, typ: 'JWT', kid: input.kid };
  const claims = {
    sub: input.customerId,
    aud: CustomerTokenAudience,
    iat,
    exp: iat + input.ttlSeconds,
  };
  const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${b64url(sign(null, Buffer.from(signed, 'ascii'), key))}`;
}

/** Three base64url segments: a credential the verifier claims (and then accepts or refuses). */
export function looksLikeCustomerToken(credential: string): boolean {
  const parts = credential.split('.');
  return parts.length === 3 && parts.every((part) => Base64UrlPattern.test(part));
}

const invalid = () =>
  new CredentialRefused(CustomerTokenCodes.invalid, 'the customer token is not valid');

/** A JSON object from one base64url segment (canonical encoding only), or refused. */
function segment(part: string): Record<string, unknown> {
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Recognises customer tokens: a credential shaped like a JWS is its to judge, and answers a
 * customer principal or is refused (401 AUTH.TOKEN_EXPIRED for a token that is genuine but past
 * its expiry, AUTH.TOKEN_INVALID for anything else: the caller is not told which check failed).
 */
export class CustomerTokenVerifier implements Authenticator {
  constructor(
    private readonly keys: ReadonlyMap<string, KeyObject>,
    private readonly policy: CustomerTokenPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  authenticate(credential: string): Principal | undefined {
    if (!looksLikeCustomerToken(credential)) return undefined;
    return this.verify(credential);
  }

  /** The principal of a valid token; CredentialRefused otherwise. */
  verify(token: string): Principal {
    if (token.length > TokenLengthMax || !looksLikeCustomerToken(token)) throw invalid();
    const [encodedHeader, encodedClaims, encodedSignature] = token.split('.') as [
      string,
      string,
      string,
    ];
    const header = segment(encodedHeader);
    // The algorithm is fixed, never taken from the token: "none" or any other is refused.
    if (header.alg !== CustomerTokenAlgorithm || header.typ !== 'JWT') throw invalid();
    const kid = header.kid;
    const key = typeof kid === 'string' ? this.keys.get(kid) : undefined;
    if (!key) throw invalid();
    const signature = Buffer.from(encodedSignature, 'base64url');
    if (signature.length !== 64 || signature.toString('base64url') !== encodedSignature)
      throw invalid();
    const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`, 'ascii');
    if (!verify(null, signed, key, signature)) throw invalid();

    const claims = segment(encodedClaims);
    const { sub, aud, iat, exp, nbf } = claims;
    if (typeof sub !== 'string' || !CustomerIdPattern.test(sub)) throw invalid();
    if (aud !== CustomerTokenAudience) throw invalid();
    if (!isSeconds(iat) || !isSeconds(exp) || exp <= iat) throw invalid();
    if (exp - iat > this.policy.maxLifetimeSeconds) throw invalid();
    const now = Math.floor(this.clock().getTime() / 1000);
    const skew = this.policy.clockSkewSeconds;
    if (iat > now + skew) throw invalid();
    if (nbf !== undefined && (!isSeconds(nbf) || nbf > now + skew)) throw invalid();
    if (exp <= now - skew)
      throw new CredentialRefused(CustomerTokenCodes.expired, 'the customer token has expired');
    return {
      role: 'customer',
      credentialId: `token:${kid as string}`,
      holder: sub,
      customerId: sub,
    };
  }
}

/** The verifier of a service's configuration (no keys configured: every token is refused). */
export function customerTokenVerifierOf(
  config: Pick<
    ServiceConfig,
    | 'CUSTOMER_TOKEN_PUBLIC_KEYS'
    | 'CUSTOMER_TOKEN_CLOCK_SKEW_SECONDS'
    | 'CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS'
  >,
): CustomerTokenVerifier {
  return new CustomerTokenVerifier(config.CUSTOMER_TOKEN_PUBLIC_KEYS ?? new Map(), {
    clockSkewSeconds: config.CUSTOMER_TOKEN_CLOCK_SKEW_SECONDS,
    maxLifetimeSeconds: config.CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS,
  });
}

/**
 * DEVELOPMENT ONLY — a published key pair, so that `npm start`, docker-compose, the CLI, the seed,
 * the bench and the e2e specs work out of the box. Anyone can mint tokens for it: production lists
 * its own public keys in CUSTOMER_TOKEN_PUBLIC_KEYS and never this one.
 */
export const DevelopmentCustomerTokenKey = {
  kid: 'dev-1',
  publicKey: 'MCowBQYDK2VwAyEAUT7/bAkVRE52eSowHFNm9h3RdDB095U5fcfu2Mp2Wls=',
  privateKey: 'MC4CAQAwBQYDK2VwBCIEIEwQokBmTZVrjF8QBwZ4L+HvBc5KaWXpcGK9feQfrn/5',
} as const;

/**
 * The key tools sign customer tokens with: CUSTOMER_TOKEN_SIGNING_KEY (base64 PKCS8) and
 * CUSTOMER_TOKEN_SIGNING_KID, or the development pair. Services never read these.
 */
export function customerTokenSigningKeyOf(env: NodeJS.ProcessEnv = process.env): {
  privateKey: string;
  kid: string;
} {
  const privateKey = env.CUSTOMER_TOKEN_SIGNING_KEY || DevelopmentCustomerTokenKey.privateKey;
  const kid =
    env.CUSTOMER_TOKEN_SIGNING_KID ||
    (env.CUSTOMER_TOKEN_SIGNING_KEY ? undefined : DevelopmentCustomerTokenKey.kid);
  if (!kid)
    throw new Error('CUSTOMER_TOKEN_SIGNING_KID is required with CUSTOMER_TOKEN_SIGNING_KEY');
  return { privateKey, kid };
}

/** DEVELOPMENT ONLY — the customer id pepper of .env.example, what tools default to. */
export const DevelopmentCustomerIdPepper = 'dev-TOz8-BTnlJXmlps11-WfaZEl';

/** The customer a national ID is, as the application service derives it (APPLICATION_CUSTOMER_ID_PEPPER). */
export function customerOfNationalIdIn(env: NodeJS.ProcessEnv, nationalId: string): string {
  return customerIdOf(
    nationalId,
    env.APPLICATION_CUSTOMER_ID_PEPPER || DevelopmentCustomerIdPepper,
  );
}

/** A customer's token signed with the tools' key (customerTokenSigningKeyOf), valid `ttlSeconds`. */
export function mintToolCustomerToken(
  env: NodeJS.ProcessEnv,
  customerId: string,
  ttlSeconds = 3_600,
): string {
  return mintCustomerToken({
    ...customerTokenSigningKeyOf(env),
    customerId,
    ttlSeconds,
    now: new Date(),
  });
}
