/** Unit tests (*.spec.ts) and integration tests (*.int-spec.ts) against the real Postgres and RabbitMQ. */
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test'],
  testRegex: '\\.(spec|int-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: { '^@fidelis/(.*)$': '<rootDir>/libs/$1/src' },
  // Integration tests share one RabbitMQ and one Postgres, and some of them restart the broker:
  // running files one at a time keeps them from pulling the floor from under each other.
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  testTimeout: 60000,
};
