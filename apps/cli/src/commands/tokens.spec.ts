import { customerIdOf } from '@credit/kernel';
import {
  CustomerTokenVerifier,
  DevelopmentCustomerIdPepper,
  DevelopmentCustomerTokenKey,
  parseCustomerTokenPublicKeys,
} from '@credit/platform';
import type { CliContext } from '../context';
import { UsageError } from '../flags';
import { tokensMint } from './tokens';

const devVerifier = new CustomerTokenVerifier(
  parseCustomerTokenPublicKeys(
    `${DevelopmentCustomerTokenKey.kid}:${DevelopmentCustomerTokenKey.publicKey}`,
  ),
  { clockSkewSeconds: 60, maxLifetimeSeconds: 86_400 },
);

/** What `tokens mint` prints for these arguments, with the development defaults. */
async function mint(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const lines: string[] = [];
  const context: CliContext = {
    brokers: [],
    serviceUrl: () => 'http://unused',
    out: (line) => lines.push(line),
  };
  expect(await tokensMint(context, args, env)).toBe(0);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    sub: string;
    iat: number;
    exp: number;
  };

describe('cli tokens mint', () => {
  it('prints a token of the customer a national ID is, signed with the development key', async () => {
    const token = await mint(['--national-id', '19850101-1234']);
    const customer = customerIdOf('19850101-1234', DevelopmentCustomerIdPepper);
    expect(devVerifier.verify(token)).toMatchObject({ role: 'customer', customerId: customer });
    const claims = claimsOf(token);
    expect(claims.exp - claims.iat).toBe(3_600);
  });

  it('takes a customer id, a lifetime and another pepper from the environment', async () => {
    const customer = 'C-cc5b0f845ea49b5735a9c08121790754';
    const token = await mint(['--customer', customer, '--ttl-seconds', '600']);
    expect(devVerifier.verify(token).customerId).toBe(customer);
    const claims = claimsOf(token);
    expect(claims.exp - claims.iat).toBe(600);
    const peppered = await mint(['--national-id', '19850101-1234'], {
      APPLICATION_CUSTOMER_ID_PEPPER: 'another-pepper-0123456789',
    });
    expect(claimsOf(peppered).sub).toBe(customerIdOf('19850101-1234', 'another-pepper-0123456789'));
  });

  it('refuses missing, doubled or malformed flags with a usage error naming them', async () => {
    for (const [args, problem] of [
      [[], /one of --customer or --national-id/],
      [['--customer', 'C-1', '--national-id', 'x'], /one of --customer or --national-id/],
      [['--customer', 'alice'], /--customer must be a customer id/],
      [['--national-id', ' '], /--national-id must not be empty/],
      [['--national-id', 'x', '--ttl-seconds', '0'], /--ttl-seconds must be/],
      [['--national-id', 'x', '--ttl-seconds', '1.5'], /--ttl-seconds must be/],
    ] as const) {
      const context = { brokers: [], serviceUrl: () => '', out: () => undefined };
      await expect(tokensMint(context, [...args], {})).rejects.toThrow(UsageError);
      await expect(tokensMint(context, [...args], {})).rejects.toThrow(problem);
    }
  });
});
