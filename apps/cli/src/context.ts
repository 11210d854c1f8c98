import { type ServiceName, Services } from '@credit/contracts';

/** A CLI command: its exit code. `env` names the keys and URLs (the process's by default). */
export type Command = (
  context: CliContext,
  args: string[],
  env?: NodeJS.ProcessEnv,
) => Promise<number>;

export interface CliContext {
  readonly brokers: string[];
  serviceUrl(service: ServiceName): string;
  out(line: string): void;
}

/** Service URLs default to the local ports; `<SERVICE>_URL` (e.g. LEDGER_URL) overrides one. */
export function cliContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
    serviceUrl: (service) =>
      env[`${service.toUpperCase()}_URL`] ?? `http://127.0.0.1:${Services[service].port}`,
    out: (line) => process.stdout.write(`${line}\n`),
  };
}
