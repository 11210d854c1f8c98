// Integration tier: real PostgreSQL and a real Kafka broker (started by tools/scripts/test.sh).
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  testMatch: [
    '<rootDir>/apps/**/test/**/*.int-spec.ts',
    '<rootDir>/libs/**/test/**/*.int-spec.ts',
    '<rootDir>/tests/integration/**/*.int-spec.ts',
  ],
  testTimeout: 120000,
  maxWorkers: 1,
};
