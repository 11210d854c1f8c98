import { serviceNames } from '@credit/contracts';
import type { CliContext } from '../context';

/** Asks every service's /health; exits non-zero unless all five are ready. */
export async function health(context: CliContext): Promise<number> {
  let notReady = 0;
  for (const service of serviceNames) {
    const url = `${context.serviceUrl(service)}/health`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as {
        status?: string;
        checks?: Record<string, { up: boolean; detail?: string }>;
      };
      const failing = Object.entries(body.checks ?? {})
        .filter(([, check]) => !check.up)
        .map(([name, check]) => `${name}: ${check.detail ?? 'down'}`);
      if (response.status !== 200) notReady++;
      context.out(
        `${service.padEnd(13)} ${String(body.status).padEnd(10)} ${url}${failing.length ? `  (${failing.join('; ')})` : ''}`,
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
