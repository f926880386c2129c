/** Runs only bench/events.bench.ts (never part of the default suite): npx jest -c bench/events.jest.config.js */
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/bench/events.bench.ts'],
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 1,
};
