import { randomUUID } from 'node:crypto';
import {
  type CredentialView,
  CredentialStatuses,
  createCredential,
  listCredentials,
  revokeCredential,
} from '@credit/api';
import { CredentialIdPattern, CredentialRoles, credentialHolderSchema } from '@credit/contracts';
import type { AnyRoute, CallRequest } from '@credit/platform';
import type { Command, CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';
import { callService, orFailure } from '../service-call';
import { DevAdminApiKey } from './ledger';

const CreateUsage =
  'usage: credentials create --holder NAME --role operator|admin [--description TEXT] [--key K] [--json]\n';
const ListUsage = 'usage: credentials list [--status active|revoked] [--json]\n';
const RevokeUsage = 'usage: credentials revoke <cred_…> [--json]\n';
const CreateFlags = {
  holder: 'string',
  role: 'string',
  description: 'string',
  key: 'string',
  json: 'boolean',
} as const;
const ListFlags = { status: 'string', json: 'boolean' } as const;
const RevokeFlags = { json: 'boolean' } as const;

/** The admin credential the CLI sends: ADMIN_API_KEY (a named admin secret, or the bootstrap key). */
const adminKey = (env: NodeJS.ProcessEnv) => env.ADMIN_API_KEY ?? DevAdminApiKey;

/** Calls the ledger's admin route; undefined once the failure is written as `<command>: <why>`. */
function callLedger<T extends AnyRoute>(
  context: CliContext,
  command: string,
  route: T,
  request: CallRequest<T>,
  env: NodeJS.ProcessEnv,
) {
  return orFailure(
    command,
    callService(context, 'ledger', route, request, { apiKey: adminKey(env), timeoutMs: 30_000 }),
    (line) => context.out(line),
  );
}

function line(credential: CredentialView): string {
  const revoked = credential.revokedAt
    ? ` revoked ${credential.revokedAt} by ${credential.revokedBy}`
    : '';
  const description = credential.description ? ` "${credential.description}"` : '';
  return `${credential.id}  ${credential.role.padEnd(8)} ${credential.holder.padEnd(24)} ${credential.status.padEnd(7)} issued ${credential.issuedAt} by ${credential.issuedBy}${revoked}${description}`;
}

/**
 * `credentials create --holder alice --role operator [--description TEXT] [--key K] [--json]`:
 * issues a named credential at the ledger (admin) and prints its secret, which is shown once.
 * `--key` is the Idempotency-Key (a new one by default): running again with it answers the same
 * credential without its secret.
 */
export const credentialsCreate: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(args, CreateFlags, CreateUsage);
  if (!flags.holder || !credentialHolderSchema.safeParse(flags.holder).success)
    throw new UsageError(
      '--holder must be 1-100 characters of A-Z a-z 0-9 . _ @ - (e.g. alice, service-disbursement)',
      CreateUsage,
    );
  const role = CredentialRoles.find((known) => known === flags.role);
  if (!role) throw new UsageError('--role must be operator or admin', CreateUsage);
  const answer = await callLedger(
    context,
    'credentials create',
    createCredential,
    {
      body: {
        holder: flags.holder,
        role,
        ...(flags.description ? { description: flags.description } : {}),
      },
      idempotencyKey: flags.key ?? `cli-credential-${randomUUID()}`,
    },
    env,
  );
  if (!answer) return 1;
  const issued = answer.body;
  if (flags.json) {
    context.out(JSON.stringify(issued, null, 2));
    return 0;
  }
  context.out(`issued ${issued.id} to ${issued.holder} (${issued.role})`);
  if (issued.secret) {
    context.out(`secret (shown once; store it now, it cannot be shown again):`);
    context.out(issued.secret);
  } else {
    context.out(issued.note ?? 'replayed: the secret is not shown again');
  }
  return 0;
};

/** `credentials list [--status active|revoked] [--json]`: the named credentials (never a secret). */
export const credentialsList: Command = async (context, args, env = process.env) => {
  const flags = parseFlags(args, ListFlags, ListUsage);
  const status = CredentialStatuses.find((known) => known === flags.status);
  if (flags.status !== undefined && !status)
    throw new UsageError('--status must be active or revoked', ListUsage);
  const answer = await callLedger(
    context,
    'credentials list',
    listCredentials,
    { query: status ? { status } : {} },
    env,
  );
  if (!answer) return 1;
  const { credentials } = answer.body;
  if (flags.json) context.out(JSON.stringify(credentials, null, 2));
  else if (credentials.length === 0) context.out('no named credentials');
  else for (const credential of credentials) context.out(line(credential));
  return 0;
};

/** `credentials revoke <cred_…> [--json]`: revokes a named credential on every service. */
export const credentialsRevoke: Command = async (context, args, env = process.env) => {
  const [id, ...rest] = args;
  if (!id || !CredentialIdPattern.test(id))
    throw new UsageError(
      'the credential id must be cred_ and 12 lowercase hex digits',
      RevokeUsage,
    );
  const flags = parseFlags(rest, RevokeFlags, RevokeUsage);
  const answer = await callLedger(
    context,
    'credentials revoke',
    revokeCredential,
    { params: { id } },
    env,
  );
  if (!answer) return 1;
  if (flags.json) context.out(JSON.stringify(answer.body, null, 2));
  else context.out(`revoked ${line(answer.body)}`);
  return 0;
};
