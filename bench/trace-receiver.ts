// The bench's OTLP/HTTP receiver (bench/run.sh starts it before the services, which export their
// spans to it): `trace-receiver.ts <port> <file>` appends every span received to <file>, one JSON
// object (libs/platform ReceivedSpan) per line, until SIGTERM.
import { createWriteStream } from 'node:fs';
import { startOtlpReceiver } from '@credit/platform';

async function main(): Promise<void> {
  const [port, file] = process.argv.slice(2);
  if (!port || !/^\d+$/.test(port) || !file)
    throw new Error('usage: trace-receiver.ts <port> <file>');
  const out = createWriteStream(file, { flags: 'a' });
  const receiver = await startOtlpReceiver(Number(port), (spans) => {
    out.write(spans.map((span) => `${JSON.stringify(span)}\n`).join(''));
  });
  process.stderr.write(`[bench] OTLP/HTTP receiver on ${receiver.endpoint}, spans to ${file}\n`);
  const stop = () => {
    void receiver.close().then(() => out.end(() => process.exit(0)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
