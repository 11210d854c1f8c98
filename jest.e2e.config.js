// End-to-end tier: the running services, through their public HTTP APIs only.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
