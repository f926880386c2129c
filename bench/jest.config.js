/** Benchmarks (never part of `npm test`): `npm run bench`, or one of them with `npm run bench -- bench/deploy-gate`. */
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/zz-'],
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 1,
};
