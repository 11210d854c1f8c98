import { z } from 'zod';
import { ReplayedHeader, absentOr, defineRoute } from '@credit/platform';
import { CredentialRoles, credentialHolderSchema, credentialIdSchema } from '@credit/contracts';

/**
 * The ledger's admin API of named operator and admin credentials: issue (the secret is shown
 * once), list (never a secret nor its hash), revoke. Each issue and revocation reaches every
 * service through the `platform.credentials` topic.
 */

export const CredentialDescriptionLengthMax = 500;
export const CredentialStatuses = ['active', 'revoked'] as const;

export const createCredentialSchema = z
  .object({
    holder: credentialHolderSchema.meta({
      description:
        'who holds it: a person or a service account (1-100 of A-Z a-z 0-9 . _ @ -); audits name it',
    }),
    role: z.enum(CredentialRoles),
    description: absentOr(z.string().max(CredentialDescriptionLengthMax)).meta({
      description: 'what it is for (e.g. "on-call laptop", "disbursement to ledger holds")',
    }),
  })
  .strict();
export type CreateCredentialRequest = z.infer<typeof createCredentialSchema>;

export const credentialViewSchema = z.object({
  id: z.string(),
  holder: z.string(),
  role: z.enum(CredentialRoles),
  description: z.string(),
  status: z.enum(CredentialStatuses),
  issuedAt: z.string(),
  /** The actor that issued it: `role:holder:credentialId`. */
  issuedBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type CredentialView = z.infer<typeof credentialViewSchema>;

export const issuedCredentialSchema = credentialViewSchema.extend({
  secret: z.string().nullable().meta({
    description:
      'the bearer secret, shown only in the answer that issued it; null in a replay (issue a new credential if it was lost)',
  }),
  note: z.string().optional(),
});
export type IssuedCredentialView = z.infer<typeof issuedCredentialSchema>;

export const credentialListQuery = z
  .object({ status: absentOr(z.enum(CredentialStatuses)).meta({ description: 'default: all' }) })
  .strict();

const credentialParams = z.object({ id: credentialIdSchema });

export const createCredential = defineRoute({
  operationId: 'createCredential',
  method: 'POST',
  path: '/v1/admin/credentials',
  summary: 'Issue a named operator or admin credential; the secret is shown once (admin)',
  description:
    'Stores only the SHA-256 of the secret and publishes the credential (without its secret) on platform.credentials: every service accepts it within moments, without a restart. The same Idempotency-Key with the same body answers 200 with the credential and secret null (the secret is never shown again); with another body it is a 409.',
  tags: ['credentials'],
  role: 'admin',
  idempotencyKey: 'required',
  body: createCredentialSchema,
  responses: {
    200: {
      description: 'replayed: the credential this key issued, without its secret',
      body: issuedCredentialSchema,
      headers: ReplayedHeader,
    },
    201: {
      description: 'issued: the credential and its secret',
      body: issuedCredentialSchema,
      headers: ReplayedHeader,
    },
  },
  errors: { 409: ['LEDGER.IDEMPOTENCY_CONFLICT'] },
});

export const listCredentials = defineRoute({
  operationId: 'listCredentials',
  method: 'GET',
  path: '/v1/admin/credentials',
  summary: 'The named credentials, newest first; never a secret nor its hash (admin)',
  tags: ['credentials'],
  role: 'admin',
  query: credentialListQuery,
  responses: {
    200: {
      description: 'the credentials',
      body: z.object({ credentials: z.array(credentialViewSchema) }),
    },
  },
});

export const revokeCredential = defineRoute({
  operationId: 'revokeCredential',
  method: 'POST',
  path: '/v1/admin/credentials/{id}/revocation',
  summary: 'Revoke a named credential everywhere, without a restart; idempotent (admin)',
  description:
    'Every service refuses the credential (401) as soon as the revocation reaches it on platform.credentials. Revoking a revoked credential answers its first revocation. The bootstrap keys (env-operator, env-admin) are not revoked here: unset OPERATOR_API_KEY / ADMIN_API_KEY.',
  tags: ['credentials'],
  role: 'admin',
  params: credentialParams,
  responses: { 200: { description: 'the revoked credential', body: credentialViewSchema } },
  errors: { 404: ['LEDGER.CREDENTIAL_NOT_FOUND'] },
});
