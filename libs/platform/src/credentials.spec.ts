import type { CredentialState } from '@credit/contracts';
import {
  CredentialBook,
  CredentialSecretPattern,
  credentialIdOfSecret,
  credentialSecretHash,
  newCredentialId,
  newCredentialSecret,
  secretMatches,
} from './credentials';

function stateOf(secret: string, overrides: Partial<CredentialState> = {}): CredentialState {
  const id = credentialIdOfSecret(secret) ?? 'cred_000000000000';
  return {
    id,
    holder: 'alice',
    role: 'operator',
    secretHash: credentialSecretHash(secret),
    issuedAt: '2026-12-03T10:00:00.000Z',
    issuedBy: 'admin:bootstrap:env-admin',
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

describe('named credential secrets', () => {
  it('are the id, an underscore and 256 random bits in base64url', () => {
    const id = newCredentialId();
    expect(id).toMatch(/^cred_[0-9a-f]{12}$/);
    const secret = newCredentialSecret(id);
    expect(secret).toMatch(CredentialSecretPattern);
    expect(secret.startsWith(`${id}_`)).toBe(true);
    expect(Buffer.from(secret.slice(id.length + 1), 'base64url')).toHaveLength(32);
    expect(newCredentialSecret(id)).not.toBe(secret);
    expect(() => newCredentialSecret('alice')).toThrow('not a credential id');
  });

  it('name their credential without a lookup; anything else names none', () => {
    const secret = newCredentialSecret('cred_3f2a9c01b7de');
    expect(credentialIdOfSecret(secret)).toBe('cred_3f2a9c01b7de');
    expect(credentialIdOfSecret('dev-operator-key-0000000000000001')).toBeUndefined();
    expect(credentialIdOfSecret(`${secret}x`)).toBeUndefined();
    expect(credentialIdOfSecret('cred_3f2a9c01b7de_short')).toBeUndefined();
  });

  it('are stored as SHA-256 hex and verified against it', () => {
    const secret = newCredentialSecret(newCredentialId());
    const hash = credentialSecretHash(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret.slice(18));
    expect(secretMatches(secret, hash)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}A`, hash)).toBe(secret.endsWith('A'));
    expect(secretMatches(secret, credentialSecretHash('other'))).toBe(false);
    expect(secretMatches(secret, 'not-hex')).toBe(false);
  });
});

describe('CredentialBook', () => {
  const secret = newCredentialSecret('cred_aaaaaaaaaaaa');
  const issued = stateOf(secret);
  const revoked = stateOf(secret, {
    revokedAt: '2026-12-03T11:00:00.000Z',
    revokedBy: 'admin:bob:cred_bbbbbbbbbbbb',
  });

  it('authenticates an issued credential as its holder and role', () => {
    const book = new CredentialBook();
    expect(book.apply(issued)).toBe(true);
    expect(book.authenticate(secret)).toEqual({
      role: 'operator',
      credentialId: 'cred_aaaaaaaaaaaa',
      holder: 'alice',
    });
    expect(book.authenticate(newCredentialSecret('cred_aaaaaaaaaaaa'))).toBeUndefined();
    expect(book.authenticate(newCredentialSecret('cred_cccccccccccc'))).toBeUndefined();
    expect(book.authenticate('dev-operator-key-0000000000000001')).toBeUndefined();
  });

  it('refuses a credential once its revocation is applied', () => {
    const book = new CredentialBook();
    book.apply(issued);
    expect(book.apply(revoked)).toBe(true);
    expect(book.authenticate(secret)).toBeUndefined();
    expect(book.get(issued.id)?.revokedBy).toBe('admin:bob:cred_bbbbbbbbbbbb');
  });

  it('applies each state once, and a revocation is final whatever arrives after it', () => {
    const book = new CredentialBook();
    expect(book.apply(issued)).toBe(true);
    expect(book.apply(issued)).toBe(false);
    expect(book.apply(revoked)).toBe(true);
    expect(book.apply(revoked)).toBe(false);
    // A replay of the topic delivers the issue again: the credential stays revoked.
    expect(book.apply(issued)).toBe(false);
    expect(book.authenticate(secret)).toBeUndefined();
    expect(book.size).toBe(1);
  });

  it('knows a credential first seen revoked (a compacted topic keeps only the latest state)', () => {
    const book = new CredentialBook();
    expect(book.apply(revoked)).toBe(true);
    expect(book.apply(issued)).toBe(false);
    expect(book.authenticate(secret)).toBeUndefined();
  });
});
