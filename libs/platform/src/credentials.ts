import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type CredentialState, CredentialIdPattern } from '@credit/contracts';
import type { Authenticator, Principal } from './auth';

/**
 * A named credential's secret: its id, `_`, then 256 random bits in base64url (43 characters),
 * e.g. `cred_3f2a9c01b7de_q5X…`. The id in front finds the credential without a scan; the whole
 * secret's SHA-256 is compared in constant time. A fast hash is right for 256-bit random secrets:
 * there is nothing to guess, so nothing for a slow hash to slow down.
 */
export const CredentialSecretPattern = /^(cred_[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new credential id: `cred_` and 12 random hex digits. */
export function newCredentialId(): string {
  return `cred_${randomBytes(6).toString('hex')}`;
}

/** A new secret for the credential `id` (shown once to the caller, never stored). */
export function newCredentialSecret(id: string): string {
  if (!CredentialIdPattern.test(id)) throw new Error(`not a credential id: ${id}`);
  return `${id}_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of the whole secret, hex: what is stored and published instead of the secret. */
export function credentialSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The credential id a presented bearer secret names, or undefined when it is not a credential secret. */
export function credentialIdOfSecret(secret: string): string | undefined {
  return CredentialSecretPattern.exec(secret)?.[1];
}

/** Whether `secret` hashes to `secretHash` (64 hex digits), compared in constant time. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, 'hex');
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

/**
 * Every named credential's latest state, in memory, as the `platform.credentials` topic delivers
 * it: an authenticator of bearer secrets. Applying a state is idempotent and a revocation is
 * final: a revoked credential stays revoked whatever older state arrives after it (a replay).
 */
export class CredentialBook implements Authenticator {
  private readonly states = new Map<string, CredentialState>();

  /** Records a credential's state; true when it changed what the book knows. */
  apply(state: CredentialState): boolean {
    const known = this.states.get(state.id);
    if (known?.revokedAt) return false;
    if (known && !state.revokedAt) return false;
    this.states.set(state.id, state);
    return true;
  }

  get(id: string): CredentialState | undefined {
    return this.states.get(id);
  }

  get size(): number {
    return this.states.size;
  }

  authenticate(credential: string): Principal | undefined {
    const id = credentialIdOfSecret(credential);
    if (!id) return undefined;
    const state = this.states.get(id);
    if (!state || state.revokedAt || !secretMatches(credential, state.secretHash)) return undefined;
    return { role: state.role, credentialId: state.id, holder: state.holder };
  }
}
