import { execFileSync } from 'node:child_process';
import { RABBITMQ_VHOST } from './infrastructure';

/**
 * The tests' RabbitMQ traffic lives in a vhost of its own (`fidelis_test`, or TEST_RABBITMQ_VHOST),
 * so a system started with `npm start` on the same broker never consumes a test's events (nor the
 * tests its own).
 */
export default function globalSetup(): void {
  if (process.env.RABBITMQ_URL) return;
  const vhosts = execFileSync('rabbitmqctl', ['-q', 'list_vhosts', 'name']).toString();
  if (!vhosts.split('\n').includes(RABBITMQ_VHOST)) {
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', RABBITMQ_VHOST]);
    execFileSync('rabbitmqctl', [
      '-q',
      'set_permissions',
      '-p',
      RABBITMQ_VHOST,
      'guest',
      '.*',
      '.*',
      '.*',
    ]);
  }
}
