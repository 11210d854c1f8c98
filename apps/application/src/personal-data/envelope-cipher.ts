import { randomBytes } from 'node:crypto';
import {
  PiiCipher,
  PiiCipherError,
  PiiKeyBytes,
  openWithKey,
  sealWithKey,
  sealedPartsOf,
} from './pii-cipher';

/**
 * Envelope encryption of personal data, so that it can be erased by destroying a key
 * (crypto-shredding):
 *
 * - each application gets its own **data key** (32 random bytes), owned by its customer; the
 *   customer's data keys are what an erasure destroys;
 * - a data key is stored only **wrapped** (sealed) by the configured master keys
 *   (`APPLICATION_PII_KEYS`, now key-encryption keys) in `application_data_keys`, never in an
 *   event, so no copy of it outlives its row in the log;
 * - the fields are sealed with the data key: `v2:<iv>:<ciphertext>:<tag>`, the associated data
 *   binding each value to its application and field as before.
 *
 * Values sealed directly with a master key (`v1:<keyId>:…`, before data keys) still open; the
 * rotation moves them to v2.
 */
export const EnvelopeFormat = 'v2';

export type SealedVersion = 'v1' | 'v2';

export class EnvelopeCipher {
  constructor(readonly master: PiiCipher) {}

  /** A fresh data key for one application. */
  newDataKey(): Buffer {
    return randomBytes(PiiKeyBytes);
  }

  /** The data key sealed by the active master key, bound to its application. */
  wrap(dataKey: Buffer, applicationId: string): string {
    return this.master.encrypt(dataKey.toString('base64'), dataKeyContext(applicationId));
  }

  unwrap(wrapped: string, applicationId: string): Buffer {
    return Buffer.from(this.master.decrypt(wrapped, dataKeyContext(applicationId)), 'base64');
  }

  /** `v2:…`: `plaintext` sealed with the application's data key. */
  seal(dataKey: Buffer, plaintext: string, context: string): string {
    return [EnvelopeFormat, ...sealWithKey(dataKey, plaintext, context)].join(':');
  }

  /**
   * Opens a stored value: v2 with the data key (PII.NO_DATA_KEY without one: erased, or a
   * database restored without its key store), v1 with the master key it names.
   */
  open(stored: string, context: string, dataKey: Buffer | undefined): string {
    if (sealedVersionOf(stored) === 'v1') return this.master.decrypt(stored, context);
    if (!dataKey) throw new PiiCipherError('PII.NO_DATA_KEY', 'the data key of this value is gone');
    return openWithKey(dataKey, sealedPartsOf(stored.split(':').slice(1)), context);
  }
}

/** The associated data of a wrapped data key: it opens only for its application. */
export const dataKeyContext = (applicationId: string) => `data-key/${applicationId}`;

export function sealedVersionOf(stored: string): SealedVersion {
  if (stored.startsWith('v1:')) return 'v1';
  if (stored.startsWith(`${EnvelopeFormat}:`)) return 'v2';
  throw new PiiCipherError('PII.MALFORMED', 'not a stored personal-data value');
}
