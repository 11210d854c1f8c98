import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM with a random 96-bit IV per value and the 128-bit auth tag
 * stored beside the ciphertext. Each stored value names the key that sealed it, so keys rotate:
 * new values are sealed with the active key, old ones open with the key they name.
 *
 * Stored form (one text column per value): `v1:<keyId>:<iv>:<ciphertext>:<tag>`, base64 parts.
 * The associated data (e.g. `<applicationId>/nationalId`) binds a value to its row and field, so a
 * ciphertext copied into another row or column does not open.
 */

export const PiiKeyBytes = 32;
export const PiiIvBytes = 12;
export const PiiTagBytes = 16;
export const PiiKeysMax = 16;
export const PiiKeyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const FormatVersion = 'v1';
const Base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

export interface PiiKey {
  readonly id: string;
  readonly key: Buffer;
}

export class PiiCipherError extends Error {
  constructor(
    readonly code:
      'PII.MALFORMED' | 'PII.UNKNOWN_KEY' | 'PII.UNAUTHENTIC' | 'PII.BAD_KEYS' | 'PII.NO_DATA_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'PiiCipherError';
  }
}

/**
 * Parses `keyId:base64-32-bytes,keyId:base64-32-bytes`. Throws naming the problem (never the key).
 */
export function parsePiiKeys(text: string): PiiKey[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new PiiCipherError('PII.BAD_KEYS', 'no key given');
  if (entries.length > PiiKeysMax)
    throw new PiiCipherError('PII.BAD_KEYS', `at most ${PiiKeysMax} keys`);
  const keys: PiiKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const encoded = separator > 0 ? entry.slice(separator + 1) : '';
    if (!PiiKeyIdPattern.test(id)) {
      throw new PiiCipherError(
        'PII.BAD_KEYS',
        `entry ${index + 1} must be keyId:base64 with a key id of 1-32 characters A-Z a-z 0-9 _ -`,
      );
    }
    const key = Buffer.from(encoded, 'base64');
    if (!Base64Pattern.test(encoded) || key.length !== PiiKeyBytes) {
      throw new PiiCipherError(
        'PII.BAD_KEYS',
        `key "${id}" must be ${PiiKeyBytes} bytes in base64 (e.g. openssl rand -base64 32)`,
      );
    }
    if (keys.some((k) => k.id === id))
      throw new PiiCipherError('PII.BAD_KEYS', `key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  return keys;
}

export class PiiCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: readonly PiiKey[],
    readonly activeKeyId: string,
  ) {
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    if (this.keys.size !== keys.length)
      throw new PiiCipherError('PII.BAD_KEYS', 'key ids must be unique');
    for (const [id, key] of this.keys) {
      if (key.length !== PiiKeyBytes)
        throw new PiiCipherError('PII.BAD_KEYS', `key "${id}" is not ${PiiKeyBytes} bytes`);
    }
    if (!this.keys.has(activeKeyId))
      throw new PiiCipherError('PII.BAD_KEYS', `the active key "${activeKeyId}" is not configured`);
  }

  /** Seals `plaintext` with the active key; `context` is authenticated, not stored. */
  encrypt(plaintext: string, context: string): string {
    const key = this.keys.get(this.activeKeyId);
    if (!key) throw new PiiCipherError('PII.UNKNOWN_KEY', 'the active key is not configured');
    return [FormatVersion, this.activeKeyId, ...sealWithKey(key, plaintext, context)].join(':');
  }

  /** Opens a stored value with the key it names. Throws if it was altered or the key is gone. */
  decrypt(stored: string, context: string): string {
    const { keyId, iv, ciphertext, tag } = PiiCipher.parse(stored);
    const key = this.keys.get(keyId);
    if (!key)
      throw new PiiCipherError('PII.UNKNOWN_KEY', `key "${keyId}" is not configured (retired?)`);
    return openWithKey(key, { iv, ciphertext, tag }, context);
  }

  /** The configured key ids (the rotation reports which of them nothing uses any more). */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** The key a stored value was sealed with (to find values to re-encrypt after a rotation). */
  static keyIdOf(stored: string): string {
    return PiiCipher.parse(stored).keyId;
  }

  private static parse(stored: string): SealedParts & { keyId: string } {
    const parts = stored.split(':');
    const [version, keyId, ...sealed] = parts;
    if (
      parts.length !== 5 ||
      version !== FormatVersion ||
      keyId === undefined ||
      !PiiKeyIdPattern.test(keyId)
    ) {
      throw new PiiCipherError('PII.MALFORMED', 'not a stored personal-data value');
    }
    return { keyId, ...sealedPartsOf(sealed) };
  }
}

/** The binary parts of one AES-256-GCM sealed value. */
export interface SealedParts {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** AES-256-GCM under `key` with a random IV: `[iv, ciphertext, tag]` in base64. */
export function sealWithKey(key: Buffer, plaintext: string, context: string): string[] {
  const iv = randomBytes(PiiIvBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: PiiTagBytes });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64'));
}

/** Opens what sealWithKey sealed; PII.UNAUTHENTIC when altered or sealed for another context. */
export function openWithKey(key: Buffer, parts: SealedParts, context: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: PiiTagBytes });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new PiiCipherError(
      'PII.UNAUTHENTIC',
      'the stored value failed authentication: altered, or sealed for another record',
    );
  }
}

/** `[iv, ciphertext, tag]` in base64 → bytes; PII.MALFORMED when not that. */
export function sealedPartsOf(parts: readonly string[]): SealedParts {
  const [iv, ciphertext, tag] = parts;
  if (
    parts.length !== 3 ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined ||
    ![iv, ciphertext, tag].every((part) => Base64Pattern.test(part))
  )
    throw new PiiCipherError('PII.MALFORMED', 'not a stored personal-data value');
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  if (ivBytes.length !== PiiIvBytes || tagBytes.length !== PiiTagBytes)
    throw new PiiCipherError('PII.MALFORMED', 'IV or tag of the wrong length');
  return { iv: ivBytes, ciphertext: Buffer.from(ciphertext, 'base64'), tag: tagBytes };
}
