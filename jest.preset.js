// Shared Jest settings: SWC compiles TypeScript with the same decorator settings as the build,
// and @credit/* resolves to library sources.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const swcrc = JSON.parse(readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
    // The OTLP exporter loads node:http with a dynamic import(), which Jest's module sandbox
    // refuses (outside Node's ESM mode); compiled to require() it runs as in production.
    '/node_modules/@opentelemetry/otlp-exporter-base/.+\\.js$': [
      '@swc/jest',
      { swcrc: false, jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@credit/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    // A library's second entry, e.g. @credit/testing/fixtures (the pure one).
    '^@credit/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
