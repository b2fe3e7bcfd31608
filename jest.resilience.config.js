/**
 * `npm run test:resilience`: the system broken on purpose (test/resilience/*.resilience-spec.ts).
 * Slower than `npm test` and kept out of it; `.ci/run` runs both.
 */
const base = require('./jest.config');

// The faults make every service log its failures; only fatal ones show unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'fatal';

module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  testRegex: '\\.resilience-spec\\.ts$',
  testTimeout: 600_000,
};
