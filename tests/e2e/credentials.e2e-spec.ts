import { randomUUID } from 'node:crypto';
import { createCredential, listCredentials, revokeCredential } from '@credit/api';
import { client } from '@credit/platform';
import { waitFor } from '@credit/testing';
import { api, statusOf, urlOf } from '../support/platform-api';
import { serviceList } from '../support/services';

/** The status a bearer gets from a service's operator route (its messaging status). */
async function statusWith(service: (typeof serviceList)[number], bearer: string): Promise<number> {
  const response = await fetch(`${urlOf(service)}/v1/ops/messaging`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return response.status;
}

describe('named credentials on the running platform', () => {
  it('a credential issued by the ledger opens every service, and once revoked none', async () => {
    const issued = await api('ledger', 'admin').call(createCredential, {
      body: { holder: 'e2e-operator', role: 'operator', description: 'e2e' },
      idempotencyKey: `e2e-credential-${randomUUID()}`,
    });
    expect(issued.status).toBe(201);
    const secret = issued.body.secret ?? '';
    expect(secret.startsWith(`${issued.body.id}_`)).toBe(true);
    for (const service of serviceList)
      await waitFor(`${service} accepts ${issued.body.id}`, async () =>
        (await statusWith(service, secret)) === 200 ? true : undefined,
      );
    // Operator, not admin: the ledger refuses it the admin API.
    expect(
      await statusOf(
        client(urlOf('ledger'), { apiKey: secret }).call(listCredentials, { query: {} }),
      ),
    ).toBe(403);
    const revoked = await api('ledger', 'admin').call(revokeCredential, {
      params: { id: issued.body.id },
    });
    expect(revoked.body.status).toBe('revoked');
    for (const service of serviceList)
      await waitFor(`${service} refuses ${issued.body.id}`, async () =>
        (await statusWith(service, secret)) === 401 ? true : undefined,
      );
  });
});
