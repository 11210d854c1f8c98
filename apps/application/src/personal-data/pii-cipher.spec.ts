import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, sealedVersionOf } from './envelope-cipher';
import { PiiCipher, PiiCipherError, parsePiiKeys } from './pii-cipher';

const key = () => randomBytes(32);
const k2025 = { id: 'k2025', key: key() };
const k2026 = { id: 'k2026', key: key() };
const context = 'application/3f1c/nationalId';
const nationalId = '11010519491231002X';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof PiiCipherError ? error.code : `unexpected ${String(error)}`;
  }
  return undefined;
}

describe('personal data cipher (AES-256-GCM)', () => {
  it('round-trips a value and stores neither it nor a fixed IV', () => {
    const cipher = new PiiCipher([k2025], 'k2025');
    const first = cipher.encrypt(nationalId, context);
    const second = cipher.encrypt(nationalId, context);
    expect(first).not.toContain(nationalId);
    expect(first).toMatch(/^v1:k2025:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second); // a random 96-bit IV per value
    expect(cipher.decrypt(first, context)).toBe(nationalId);
    expect(cipher.decrypt(second, context)).toBe(nationalId);
    expect(cipher.encrypt('李伟', context)).not.toContain('李伟');
    expect(cipher.decrypt(cipher.encrypt('李伟', context), context)).toBe('李伟');
  });

  it('opens a value sealed with an old key after the active key changed (rotation)', () => {
    const before = new PiiCipher([k2025], 'k2025');
    const stored = before.encrypt(nationalId, context);
    const after = new PiiCipher([k2025, k2026], 'k2026');
    expect(after.decrypt(stored, context)).toBe(nationalId);
    const resealed = after.encrypt(after.decrypt(stored, context), context);
    expect(PiiCipher.keyIdOf(resealed)).toBe('k2026');
    expect(PiiCipher.keyIdOf(stored)).toBe('k2025');
    // Once the old key is retired, its values no longer open: re-encrypt before retiring a key.
    const retired = new PiiCipher([k2026], 'k2026');
    expect(retired.decrypt(resealed, context)).toBe(nationalId);
    expect(codeOf(() => retired.decrypt(stored, context))).toBe('PII.UNKNOWN_KEY');
  });

  it('refuses a tampered ciphertext, tag or IV, and a value moved to another record', () => {
    const cipher = new PiiCipher([k2025], 'k2025');
    const stored = cipher.encrypt(nationalId, context);
    const [version, keyId, iv, ciphertext, tag] = stored.split(':') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      return bytes.toString('base64');
    };
    const tampered = [
      [version, keyId, iv, flip(ciphertext), tag],
      [version, keyId, iv, ciphertext, flip(tag)],
      [version, keyId, flip(iv), ciphertext, tag],
    ].map((parts) => parts.join(':'));
    for (const value of tampered) {
      expect(codeOf(() => cipher.decrypt(value, context))).toBe('PII.UNAUTHENTIC');
    }
    expect(codeOf(() => cipher.decrypt(stored, 'application/other/nationalId'))).toBe(
      'PII.UNAUTHENTIC',
    );
    expect(codeOf(() => cipher.decrypt('plain text', context))).toBe('PII.MALFORMED');
  });

  it('does not open a value with a different key under the same id', () => {
    const stored = new PiiCipher([k2025], 'k2025').encrypt(nationalId, context);
    const impostor = new PiiCipher([{ id: 'k2025', key: key() }], 'k2025');
    expect(codeOf(() => impostor.decrypt(stored, context))).toBe('PII.UNAUTHENTIC');
  });

  it('parses keyId:base64 lists and names what is wrong without echoing a key', () => {
    const a = key().toString('base64');
    const b = key().toString('base64');
    const keys = parsePiiKeys(`k1:${a}, k2:${b}`);
    expect(keys.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(keys[1]?.key.toString('base64')).toBe(b);
    const short = randomBytes(16).toString('base64');
    const problems = [`k1:${short}`, `k1:${a},k1:${b}`, `:${a}`, 'k1', `bad id:${a}`, ''];
    for (const text of problems) {
      let message = '';
      try {
        parsePiiKeys(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(short);
      expect(message).not.toContain(a);
    }
    expect(() => new PiiCipher(keys, 'k3')).toThrow(/active key "k3"/);
  });
});

const k1 = { id: 'k1', key: key() };
const k2 = { id: 'k2', key: key() };
const applicationId = '3f1c0000-0000-4000-8000-000000000001';
const fieldContext = `application/${applicationId}/nationalId`;

describe('envelope encryption: a data key per application, wrapped by a master key', () => {
  it('seals with the data key (v2) and opens only with it', () => {
    const envelope = new EnvelopeCipher(new PiiCipher([k1], 'k1'));
    const dataKey = envelope.newDataKey();
    const sealed = envelope.seal(dataKey, nationalId, fieldContext);
    expect(sealed).toMatch(/^v2:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(nationalId);
    expect(sealedVersionOf(sealed)).toBe('v2');
    expect(envelope.open(sealed, fieldContext, dataKey)).toBe(nationalId);
    // Destroyed key: nothing opens it, not even every master key (crypto-shredding).
    expect(codeOf(() => envelope.open(sealed, fieldContext, undefined))).toBe('PII.NO_DATA_KEY');
    expect(codeOf(() => envelope.open(sealed, fieldContext, envelope.newDataKey()))).toBe(
      'PII.UNAUTHENTIC',
    );
    expect(codeOf(() => envelope.open(sealed, 'application/other/nationalId', dataKey))).toBe(
      'PII.UNAUTHENTIC',
    );
  });

  it('wraps the data key for its application only, and rewraps under a new master key', () => {
    const before = new EnvelopeCipher(new PiiCipher([k1], 'k1'));
    const dataKey = before.newDataKey();
    const wrapped = before.wrap(dataKey, applicationId);
    expect(PiiCipher.keyIdOf(wrapped)).toBe('k1');
    expect(before.unwrap(wrapped, applicationId).equals(dataKey)).toBe(true);
    expect(codeOf(() => before.unwrap(wrapped, 'another-application'))).toBe('PII.UNAUTHENTIC');
    const after = new EnvelopeCipher(new PiiCipher([k1, k2], 'k2'));
    const rewrapped = after.wrap(after.unwrap(wrapped, applicationId), applicationId);
    expect(PiiCipher.keyIdOf(rewrapped)).toBe('k2');
    const retired = new EnvelopeCipher(new PiiCipher([k2], 'k2'));
    expect(retired.unwrap(rewrapped, applicationId).equals(dataKey)).toBe(true);
    expect(codeOf(() => retired.unwrap(wrapped, applicationId))).toBe('PII.UNKNOWN_KEY');
  });

  it('still opens v1 values sealed directly with a master key', () => {
    const master = new PiiCipher([k1], 'k1');
    const legacy = master.encrypt(nationalId, fieldContext);
    const envelope = new EnvelopeCipher(master);
    expect(sealedVersionOf(legacy)).toBe('v1');
    expect(envelope.open(legacy, fieldContext, undefined)).toBe(nationalId);
    expect(codeOf(() => sealedVersionOf('erased'))).toBe('PII.MALFORMED');
    expect(
      codeOf(() => envelope.open('v2:not-base64!:x:y', fieldContext, envelope.newDataKey())),
    ).toBe('PII.MALFORMED');
  });
});
