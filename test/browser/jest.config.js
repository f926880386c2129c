/** The console in a real browser (`npm run test:browser`, after `npm run build`); never part of `npm test`. */
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
  reporters: ['default'],
  testTimeout: 60_000,
  // One Chromium at a time: the machine is shared, and the pages poll.
  maxWorkers: 1,
};
