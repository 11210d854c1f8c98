// One ledger instance of the bench's several-instances case (bench/ledger-engine.ts
// runInstances): connects to the prepared bench database with its own EntriesService, says
// "ready", waits for "go" on stdin, runs the posting case and prints its result as one JSON line.
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { LedgerEngineBench, type PostingCase } from './ledger-engine';

async function main(): Promise<void> {
  const { postingCase, seconds } = JSON.parse(process.env.BENCH_WORKER_CASE ?? '') as {
    postingCase: PostingCase;
    seconds: number;
  };
  const bench = await LedgerEngineBench.open({ prepare: false });
  try {
    // Warm the posting path (connections, statement plans) before the clock starts.
    await bench.run({ ...postingCase, concurrency: 1 }, 0.5);
    const input = createInterface({ input: process.stdin });
    const go = new Promise<void>((resolve) => input.once('line', () => resolve()));
    process.stdout.write('ready\n');
    await go;
    input.close();
    const result = await bench.run(postingCase, seconds);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
