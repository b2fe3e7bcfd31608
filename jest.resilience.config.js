/**
 * `npm run test:resilience`: the system broken on purpose (test/resilience/*.resilience-spec.ts).
 * Slower than `npm test` and kept out of it; `.ci/run` runs both.
 */
const base = require('./jest.config');

// The faults make every service log its failures; only fatal ones show unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'fatal';
// A vhost of its own, emptied first: the suite waits for every queue to drain, so a queue an
// earlier `npm test` left behind in `fidelis_test` would make the system look busy forever.
process.env.TEST_RABBITMQ_VHOST ??= 'fidelis_resilience';
process.env.TEST_RABBITMQ_FRESH_VHOST ??= '1';

module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  testRegex: '\\.resilience-spec\\.ts$',
  testTimeout: 600_000,
};
