import { parseArgs } from 'node:util';

/** Thrown for bad flags: main prints it with the command's usage (or the CLI's) and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** A flag takes one value (`string`, the last one given wins), a list (`strings`) or none. */
export type FlagKind = 'string' | 'strings' | 'boolean';
export type FlagSpec = Readonly<Record<string, FlagKind>>;
export type Flags<S extends FlagSpec> = {
  readonly [K in keyof S]?: S[K] extends 'boolean'
    ? true
    : S[K] extends 'strings'
      ? string[]
      : string;
};

/**
 * The CLI's flags, parsed by `node:util` parseArgs (strict: no positional arguments, no unknown
 * flag). A mistake is a UsageError naming the flag (`unknown argument --x`, `--x needs a value`)
 * that carries the command's `usage`.
 */
export function parseFlags<S extends FlagSpec>(
  args: readonly string[],
  spec: S,
  usage?: string,
): Flags<S> {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, kind]) => [
      name,
      kind === 'boolean'
        ? { type: 'boolean' as const }
        : { type: 'string' as const, multiple: kind === 'strings' },
    ]),
  );
  try {
    return parseArgs({
      args: joinNegativeValues(args, spec),
      options,
      strict: true,
      allowPositionals: false,
    }).values as Flags<S>;
  } catch (error) {
    throw new UsageError(usageProblem(error), usage);
  }
}

/**
 * `--principal -5` is a value, not a flag: parseArgs reads any `-x` as an option, so a negative
 * number after a flag that takes a value is joined to it (`--principal=-5`) and the command's own
 * check can say what is wrong with it.
 */
function joinNegativeValues(args: readonly string[], spec: FlagSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    const kind = arg.startsWith('--') ? spec[arg.slice(2)] : undefined;
    if (kind !== undefined && kind !== 'boolean' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** parseArgs's error, said as the CLI says it: the flag first. */
function usageProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const named = /'([^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown argument ${named}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${named}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? `${named} takes no value`
        : `${named} needs a value`;
    default:
      return message;
  }
}
