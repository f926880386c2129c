/** One jest run: unit specs beside the code (the service's and the console's pure rules), e2e specs under test/. */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/console/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // Transpile only (type-checking is `npm run typecheck`, run first by `npm test`). ts-jest rather than
  // @swc/jest: swc's native binaries come as per-platform packages this registry serves only for Linux,
  // which leaves the lockfile incomplete and `npm ci` refusing it.
  transform: {
    '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup/aws-env.ts'],
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Prints the fault-injection suite's summary table (test/faults/) at the end of the run.
  reporters: ['default', '<rootDir>/test/faults/summary-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
