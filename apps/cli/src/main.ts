import { type Command, cliContext } from './context';
import { dlq, replay } from './commands/admin';
import { credentialsCreate, credentialsList, credentialsRevoke } from './commands/credentials';
import { health } from './commands/health';
import { ledgerExport, ledgerRebuildBalances, ledgerVerify } from './commands/ledger';
import { personalDataErase, personalDataRotate, personalDataShow } from './commands/personal-data';
import { reconcile } from './commands/reconcile';
import { schedule } from './commands/schedule';
import { score } from './commands/score';
import { tokensMint } from './commands/tokens';
import { topicsEnsure, topicsList } from './commands/topics';
import { UsageError } from './flags';

const commands: Record<string, { run: Command; help: string }> = {
  'topics ensure': {
    run: topicsEnsure,
    help: 'create every domain topic and its .dlq companion, and the compacted platform.credentials',
  },
  'topics list': { run: topicsList, help: 'list the platform topics as the broker reports them' },
  health: { run: health, help: 'readiness of the five services' },
  'ledger verify': {
    run: ledgerVerify,
    help: 'walk the journal hash chain; exit 1 when a link is broken (--json for the report)',
  },
  'ledger export': {
    run: ledgerExport,
    help: 'stream the journal to stdout: [--format hledger|csv] [--from D] [--to D]',
  },
  'ledger rebuild-balances': {
    run: ledgerRebuildBalances,
    help: 'recompute balances from the journal, report differences; --apply writes them (admin) [--json]',
  },
  reconcile: {
    run: reconcile,
    help: 'a reconciliation run in the ledger, waited on with progress: loans, events, trial balance; exit 1 on a break [--json]',
  },
  replay: {
    run: replay,
    help: 'replay input topics into a service: --service S [--from earliest|ISO] [--to ISO] [--topic T] [--type E] [--aggregate ID] [--partition N] [--from-offset N] [--to-offset N] [--dry-run] [--json]',
  },
  dlq: {
    run: dlq,
    help: 'dead letters: list|redrive|discard --service S [--id ID] [--topic T] [--type E] [--all] [--reason TEXT] [--status S] [--json]',
  },
  'credentials create': {
    run: credentialsCreate,
    help: 'issue a named credential and print its secret once (admin): --holder NAME --role operator|admin [--description TEXT] [--key K] [--json]',
  },
  'credentials list': {
    run: credentialsList,
    help: 'the named credentials, never a secret (admin) [--status active|revoked] [--json]',
  },
  'credentials revoke': {
    run: credentialsRevoke,
    help: 'revoke a named credential on every service, no restart (admin): <cred_…> [--json]',
  },
  'personal-data show': {
    run: personalDataShow,
    help: "a customer's access document, decrypted (operator; audited): --customer C-…",
  },
  'personal-data erase': {
    run: personalDataErase,
    help: "erase a customer's personal data (admin; audited): --customer C-… [--note TEXT] [--key K] [--json]",
  },
  'personal-data rotate': {
    run: personalDataRotate,
    help: 're-encrypt every sealed value under the active key, resumable, with progress (admin) [--batch-size N] [--json]',
  },
  'tokens mint': {
    run: tokensMint,
    help: 'print a customer token (CUSTOMER_TOKEN_SIGNING_KEY, default the development key): --customer C-… | --national-id ID [--ttl-seconds N]',
  },
  schedule: {
    run: schedule,
    help: 'a loan schedule with APR: --principal N --periods N --method M [...] [--json]',
  },
  score: {
    run: score,
    help: 'score an ARFF file of applicants with the committed scorecard: --arff F [--json]',
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, { help }]) => `  ${name.padEnd(16)} ${help}`);
  return `usage: npm run cli -- <command>\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  for (const width of [2, 1]) {
    const name = argv.slice(0, width).join(' ');
    const command = commands[name];
    if (argv.length >= width && command) return command.run(cliContext(), argv.slice(width));
  }
  process.stderr.write(argv.length ? `unknown command: ${argv.join(' ')}\n\n${usage()}` : usage());
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${error.usage ?? `\n${usage()}`}`);
      process.exit(2);
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
