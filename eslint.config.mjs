// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const infrastructurePackages = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'kafkajs',
  'express',
  'pino',
  'prom-client',
];

/** Which project may import which (Nx tags); see README "Nx tags". */
const depConstraints = [
  // An app is deployed alone: it may use shared libraries, never another app.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  // Pure libraries (money, contracts) depend only on other pure libraries and no I/O packages.
  {
    sourceTag: 'layer:domain',
    onlyDependOnLibsWithTags: ['layer:domain'],
    bannedExternalImports: infrastructurePackages,
  },
  // Infrastructure libraries (platform, messaging) may use pure and infrastructure libraries.
  { sourceTag: 'layer:infra', onlyDependOnLibsWithTags: ['layer:domain', 'layer:infra'] },
  // The contracts are what every service shares: they know no model, trained or not.
  {
    sourceTag: 'lib:contracts',
    notDependOnLibsWithTags: ['lib:scorecard', 'lib:scorecard-training'],
  },
  // Training is a development tool (tools/scorecard/train.ts): no runtime code loads it.
  { sourceTag: 'lib:scorecard', notDependOnLibsWithTags: ['lib:scorecard-training'] },
  { sourceTag: 'type:app', notDependOnLibsWithTags: ['lib:scorecard-training'] },
  // Tests and tools may use libraries, but never reach into an app's source.
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
];

/** Options of @nx/enforce-module-boundaries, with the given constraints. */
const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    allow: [],
    depConstraints: constraints,
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      '**/coverage/**',
      'tmp/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'parseFloat',
          message: 'Money is never a JS number: use Decimal from @credit/money.',
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          property: 'toFixed',
          message: 'Money is never a JS number: use Decimal/Money with an explicit rounding mode.',
        },
        {
          object: 'Number',
          property: 'parseFloat',
          message: 'Money is never a JS number: use Decimal.',
        },
      ],
    },
  },
  {
    // A service's domain folder is pure TypeScript: no framework, no database, no broker.
    files: ['apps/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: infrastructurePackages,
              message: 'domain/ is pure: keep I/O in infrastructure/.',
            },
            {
              group: ['@credit/messaging', '@credit/platform'],
              message: 'domain/ is pure: messaging and platform are I/O; the service wires them.',
            },
            {
              group: ['**/infrastructure', '**/infrastructure/**'],
              message: 'domain/ is pure: it never reaches into infrastructure/.',
            },
          ],
        },
      ],
    },
  },
  {
    // A library's unit specs are pure: they may use the test-only lib through its pure entries
    // (@credit/testing/fixtures, @credit/testing/errors) only, never the index with the broker
    // client and ports.
    files: ['libs/*/src/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((constraint) =>
          constraint.sourceTag === 'layer:domain' && constraint.onlyDependOnLibsWithTags
            ? {
                ...constraint,
                onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'scope:test'],
              }
            : constraint,
        ),
      ),
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@credit/testing',
              message:
                'a unit spec is pure: import @credit/testing/fixtures or /errors, the pure entries.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, the test-only lib and dev scripts read JSON answers of any shape.
    files: [
      '**/*.spec.ts',
      '**/test/**/*.ts',
      'tests/**/*.ts',
      'libs/testing/**/*.ts',
      'tools/scripts/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
);
