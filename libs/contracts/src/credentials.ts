import { z } from 'zod';
import { defineEvent } from './catalog';
import type { TopicSpec } from './topics';

/**
 * Named operator and admin credentials: the ledger issues and revokes them and publishes each
 * one's state on `platform.credentials`; every service reads that topic into memory and
 * authenticates bearer secrets against it. The topic never carries a secret, only its SHA-256.
 */
export const CredentialsTopic = 'platform.credentials';

/**
 * Compacted, keyed by credential id: the latest state of each credential is kept forever, so a
 * service booting reads every credential's current state from the beginning. One partition: the
 * topic is small and a reader is caught up when it reached one end offset.
 */
export const credentialsTopicSpec: TopicSpec = {
  name: CredentialsTopic,
  partitions: 1,
  config: {
    'cleanup.policy': 'compact',
    'retention.ms': '-1',
    'retention.bytes': '-1',
    'min.insync.replicas': '1',
  },
};

/** The roles a named credential can hold (customers authenticate otherwise). */
export const CredentialRoles = ['operator', 'admin'] as const;
export type CredentialRole = (typeof CredentialRoles)[number];

/** `cred_` and 12 lowercase hex digits. */
export const CredentialIdPattern = /^cred_[0-9a-f]{12}$/;
export const credentialIdSchema = z
  .string()
  .regex(CredentialIdPattern, 'must be a credential id: cred_ and 12 lowercase hex digits');

export const CredentialHolderLengthMax = 100;
/**
 * Who holds a credential: a person or a service account (`alice`, `bob.smith@example.com`,
 * `service-disbursement`). No ':' (an audit's actor is `role:holder:credentialId`), no spaces.
 */
export const credentialHolderSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(CredentialHolderLengthMax, `must be at most ${CredentialHolderLengthMax} characters`)
  .regex(/^[A-Za-z0-9._@-]+$/, 'must be letters, digits and . _ @ - only');

/** A SHA-256 digest as 64 lowercase hex digits. */
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** One credential's state, as the topic carries it and every service keeps it. */
export const credentialStateSchema = z
  .object({
    id: credentialIdSchema,
    holder: credentialHolderSchema,
    role: z.enum(CredentialRoles),
    /** SHA-256 (hex) of the whole secret; the secret itself is never stored nor sent. */
    secretHash: sha256HexSchema,
    issuedAt: z.iso.datetime({ offset: true }),
    /** The actor that issued it (`admin:alice:cred_…`). */
    issuedBy: z.string().min(1).max(300),
    revokedAt: z.iso.datetime({ offset: true }).nullable(),
    revokedBy: z.string().min(1).max(300).nullable(),
  })
  .strict();
export type CredentialState = z.infer<typeof credentialStateSchema>;

/** A credential's state after its issue or revocation; keyed by credential id. */
export const CredentialRecordedV1 = defineEvent({
  type: 'credential.recorded',
  version: 1,
  topic: CredentialsTopic,
  schema: credentialStateSchema,
});
export type CredentialRecordedV1Payload = CredentialState;
