import { execFileSync } from 'node:child_process';

/**
 * The tests' RabbitMQ traffic lives in a vhost of its own, so a system started with `npm start`
 * on the same broker never consumes a test's events (nor the tests its own).
 */
export default function globalSetup(): void {
  if (process.env.RABBITMQ_URL) return;
  const vhosts = execFileSync('rabbitmqctl', ['-q', 'list_vhosts', 'name']).toString();
  if (!vhosts.split('\n').includes('fidelis_test')) {
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', 'fidelis_test']);
    execFileSync('rabbitmqctl', [
      '-q',
      'set_permissions',
      '-p',
      'fidelis_test',
      'guest',
      '.*',
      '.*',
      '.*',
    ]);
  }
}
