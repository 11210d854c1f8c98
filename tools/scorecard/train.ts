// Trains the points-based scorecard from the Statlog German Credit training file and writes the
// versioned artifact. The statistics live in libs/scorecard-training (pure, unit-tested);
// this file only reads, formats, writes and compares.
//
//   npm run train:scorecard                       write apps/scoring/src/model/scorecard-v1.json
//   npm run train:scorecard -- --check            exit 1 when the committed artifact differs
//   npm run train:scorecard -- --data <file.arff> train on another copy of the file
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { loadScorecard } from '@credit/scorecard';
import { buildScorecard, formatScorecardReport } from '@credit/scorecard-training';

const repoRoot = path.resolve(__dirname, '..', '..');
/** The training data is committed with its licence note: `data/credit-g/`. */
export const DefaultDataPath = path.join(repoRoot, 'data', 'credit-g', 'credit-g.train.arff');
export const ArtifactPath = path.join(
  repoRoot,
  'apps',
  'scoring',
  'src',
  'model',
  'scorecard-v1.json',
);

interface Args {
  data: string;
  check: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { data: DefaultDataPath, check: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--check') args.check = true;
    else if (arg === '--data') {
      const value = argv[i + 1];
      if (!value) throw new Error('--data needs a path');
      args.data = path.resolve(value);
      i += 1;
    } else throw new Error(`unknown argument ${String(arg)} (expected --data <path>, --check)`);
  }
  return args;
}

/** The artifact as committed: JSON formatted by the repository's Prettier settings. */
export async function serializeArtifact(artifact: unknown): Promise<string> {
  const options = (await resolveConfig(ArtifactPath)) ?? {};
  return format(JSON.stringify(artifact), { ...options, filepath: ArtifactPath });
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const text = readFileSync(args.data, 'utf8');
  const artifact = loadScorecard(buildScorecard({ file: path.basename(args.data), text }));
  const serialized = await serializeArtifact(artifact);
  process.stdout.write(formatScorecardReport(artifact));
  const relative = path.relative(repoRoot, ArtifactPath);
  if (args.check) {
    let committed = '';
    try {
      committed = readFileSync(ArtifactPath, 'utf8');
    } catch (error: unknown) {
      process.stderr.write(`\n${relative} cannot be read: ${String(error)}\n`);
      return 1;
    }
    if (committed !== serialized) {
      process.stderr.write(
        `\n${relative} differs from a fresh build: run npm run train:scorecard\n`,
      );
      return 1;
    }
    process.stdout.write(`\n${relative} is up to date\n`);
    return 0;
  }
  writeFileSync(ArtifactPath, serialized);
  process.stdout.write(`\nwrote ${relative}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
