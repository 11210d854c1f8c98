// End-to-end tier: the running services, through their public HTTP APIs only.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
  // One stack and one business time for all specs: the 200-customer simulation runs last.
  testSequencer: '<rootDir>/tests/support/e2e-sequencer.js',
  testTimeout: 180000,
  maxWorkers: 1,
};
