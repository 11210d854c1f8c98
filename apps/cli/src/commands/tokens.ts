import { CustomerIdPattern } from '@credit/kernel';
import { customerOfNationalIdIn, mintToolCustomerToken } from '@credit/platform';
import type { CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';

const MintFlags = { customer: 'string', 'national-id': 'string', 'ttl-seconds': 'string' } as const;
const MintUsage =
  'usage: npm run -s cli -- tokens mint (--customer C-… | --national-id ID) [--ttl-seconds N]\n';
/** What `--ttl-seconds` defaults to: one hour. */
export const MintTtlSecondsDefault = 3_600;

/**
 * Prints a customer token for a customer (or the customer a national ID is, under
 * APPLICATION_CUSTOMER_ID_PEPPER), signed with CUSTOMER_TOKEN_SIGNING_KEY / _KID: by default the
 * development pair of .env.example, which only development services accept.
 */
export async function tokensMint(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(args, MintFlags, MintUsage);
  if ((flags.customer === undefined) === (flags['national-id'] === undefined))
    throw new UsageError('give one of --customer or --national-id', MintUsage);
  if (flags.customer !== undefined && !CustomerIdPattern.test(flags.customer))
    throw new UsageError(
      '--customer must be a customer id: C- and 32 lowercase hex digits',
      MintUsage,
    );
  if (flags['national-id'] !== undefined && flags['national-id'].trim() === '')
    throw new UsageError('--national-id must not be empty', MintUsage);
  const ttlText = flags['ttl-seconds'] ?? String(MintTtlSecondsDefault);
  if (!/^[1-9]\d{0,7}$/.test(ttlText))
    throw new UsageError('--ttl-seconds must be a whole number of seconds, 1 or more', MintUsage);
  const customerId = flags.customer ?? customerOfNationalIdIn(env, flags['national-id'] ?? '');
  context.out(mintToolCustomerToken(env, customerId, Number(ttlText)));
  return Promise.resolve(0);
}
