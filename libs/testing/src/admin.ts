import { waitFor } from './wait';

/** The part of an in-process test app (`startTestApp` in @credit/platform) these helpers use. */
export interface TestRequester {
  request(
    method: string,
    path: string,
    options?: { body?: unknown; role?: 'customer' | 'operator' | 'admin'; idempotencyKey?: string },
  ): Promise<{ status: number; body: any }>;
}

/**
 * A replay through the admin API (POST /v1/admin/replays from `from`), followed until it is no
 * longer running; returns the finished replay.
 */
export async function replayed(app: TestRequester, key: string, from: string): Promise<any> {
  const started = await app.request('POST', '/v1/admin/replays', {
    role: 'admin',
    idempotencyKey: key,
    body: { from },
  });
  expect(started.status).toBe(202);
  return waitFor(
    'the replay to finish',
    async () => {
      const reply = await app.request('GET', `/v1/admin/replays/${started.body.id as string}`, {
        role: 'admin',
      });
      return reply.body.status !== 'running' ? reply.body : undefined;
    },
    120_000,
  );
}
