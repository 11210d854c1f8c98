import { serviceNames } from '@credit/contracts';
import { client, healthRoute } from '@credit/platform';
import type { CliContext } from '../context';

/** Asks every service's /health; exits non-zero unless all five are ready. */
export async function health(context: CliContext): Promise<number> {
  let notReady = 0;
  for (const service of serviceNames) {
    const base = context.serviceUrl(service);
    const url = `${base}/health`;
    try {
      const { status, body } = await client(base, { timeoutMs: 5_000 }).call(healthRoute, {});
      const failing = Object.entries(body.checks)
        .filter(([, check]) => !check.up)
        .map(([name, check]) => `${name}: ${check.detail ?? 'down'}`);
      if (status !== 200) notReady++;
      context.out(
        `${service.padEnd(13)} ${body.status.padEnd(10)} ${url}${failing.length ? `  (${failing.join('; ')})` : ''}`,
      );
    } catch (error) {
      notReady++;
      context.out(
        `${service.padEnd(13)} ${'down'.padEnd(10)} ${url}  (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return notReady === 0 ? 0 : 1;
}
