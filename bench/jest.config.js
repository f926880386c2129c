/**
 * Benchmarks (never part of `npm test`, never in CI): `npm run bench` builds, then runs every
 * bench/*.bench.ts one after the other and prints the targets table at the end; one of them with
 * `npm run bench -- bench/overhead`. Jest only hosts the fakes and the embedded PostgreSQL: the app
 * (`node dist/src/main.js`), the bare-Fastify baseline and the load generator are processes of their own.
 */
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/bench/**/*.bench.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  reporters: ['default', '<rootDir>/bench/summary-reporter.js'],
  testTimeout: 20 * 60 * 1000,
  maxWorkers: 1,
};
