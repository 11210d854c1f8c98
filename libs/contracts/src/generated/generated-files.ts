/** Generated files by path from the repository root, each with its whole content. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** How the files on disk differ from the generated ones. */
export interface GeneratedFilesDrift {
  /** Generated, not on disk. */
  readonly missing: readonly string[];
  /** On disk with other content. */
  readonly stale: readonly string[];
  /** On disk, not generated (a removed event type, a stray file). */
  readonly extra: readonly string[];
}

export function driftOf(expected: GeneratedFiles, actual: GeneratedFiles): GeneratedFilesDrift {
  const paths = (files: GeneratedFiles, keep: (path: string) => boolean) =>
    [...files.keys()].filter(keep).sort();
  return {
    missing: paths(expected, (path) => !actual.has(path)),
    stale: paths(expected, (path) => actual.has(path) && actual.get(path) !== expected.get(path)),
    extra: paths(actual, (path) => !expected.has(path)),
  };
}

/** The drift in words, naming each file and the command that fixes it; empty when there is none. */
export function describeDrift(drift: GeneratedFilesDrift, command: string): string {
  const lines = [
    ...drift.missing.map((path) => `missing: ${path}`),
    ...drift.stale.map((path) => `stale:   ${path}`),
    ...drift.extra.map((path) => `extra:   ${path}`),
  ];
  if (lines.length === 0) return '';
  return [
    'the generated files differ from what the contracts generate:',
    ...lines.map((line) => `  ${line}`),
    `run \`${command}\` and commit the result`,
  ].join('\n');
}
