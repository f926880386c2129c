/** One jest run: unit specs beside the code, e2e specs under test/. */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // content-disposition@3 (under @fastify/static) ships ESM only; Node loads it natively, jest needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup/aws-env.ts'],
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Prints the fault-injection suite's summary table (test/faults/) at the end of the run.
  reporters: ['default', '<rootDir>/test/faults/summary-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
