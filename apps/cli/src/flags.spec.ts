import { UsageError, parseFlags } from './flags';

const spec = { principal: 'string', topic: 'strings', json: 'boolean' } as const;

function problemOf(args: string[]): string {
  try {
    parseFlags(args, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsed: ${args.join(' ')}`);
}

describe('parseFlags', () => {
  it('reads values, lists and bare flags; a flag left out is absent', () => {
    expect(
      parseFlags(['--principal', '1000.00', '--topic', 'a', '--topic', 'b', '--json'], spec),
    ).toEqual({
      principal: '1000.00',
      topic: ['a', 'b'],
      json: true,
    });
    expect(parseFlags(['--principal=5'], spec)).toEqual({ principal: '5' });
    expect(parseFlags([], spec)).toEqual({});
  });

  it('takes a negative number after a flag as its value, for the command to judge', () => {
    expect(parseFlags(['--principal', '-5', '--topic', '-1.5', '--json'], spec)).toEqual({
      principal: '-5',
      topic: ['-1.5'],
      json: true,
    });
    expect(problemOf(['--json', '-5'])).toMatch(/-5/);
  });

  it('names the flag in every parse error', () => {
    expect(problemOf(['--principle', '5'])).toBe('unknown argument --principle');
    expect(problemOf(['--principal'])).toBe('--principal needs a value');
    expect(problemOf(['--principal', '--json'])).toBe('--principal needs a value');
    expect(problemOf(['--json=yes'])).toBe('--json takes no value');
    expect(problemOf(['stray'])).toBe('unexpected argument "stray"');
  });
});
