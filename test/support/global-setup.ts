import { execFileSync } from 'node:child_process';
import { RABBITMQ_VHOST } from './infrastructure';

const rabbitmqctl = (...args: string[]) =>
  execFileSync('rabbitmqctl', ['-q', ...args], { timeout: 60_000 }).toString();

/**
 * The tests' RabbitMQ traffic lives in a vhost of its own (`fidelis_test`, or TEST_RABBITMQ_VHOST),
 * so a system started with `npm start` on the same broker never consumes a test's events (nor the
 * tests its own). With TEST_RABBITMQ_FRESH_VHOST=1 the vhost is emptied first: the resilience
 * suite waits for every queue to drain, and must not wait on what an earlier run left behind.
 */
export default function globalSetup(): void {
  if (process.env.RABBITMQ_URL) return;
  refuseToWaitOnAnAlarm();
  const exists = rabbitmqctl('list_vhosts', 'name').split('\n').includes(RABBITMQ_VHOST);
  if (exists && process.env.TEST_RABBITMQ_FRESH_VHOST !== '1') return;
  if (exists) rabbitmqctl('delete_vhost', RABBITMQ_VHOST);
  rabbitmqctl('add_vhost', RABBITMQ_VHOST);
  rabbitmqctl('set_permissions', '-p', RABBITMQ_VHOST, 'guest', '.*', '.*', '.*');
}

/**
 * A raised alarm (low disk or memory) blocks every publish, and each test would only wait for its
 * timeout: the run stops at once instead, saying why.
 */
function refuseToWaitOnAnAlarm(): void {
  try {
    execFileSync('rabbitmq-diagnostics', ['-q', 'check_local_alarms'], { timeout: 60_000 });
  } catch {
    const alarms = execFileSync('rabbitmq-diagnostics', ['-q', 'alarms'], { timeout: 60_000 });
    throw new Error(
      `RabbitMQ has a resource alarm raised, so publishes would block (${alarms.toString().trim()}). ` +
        'Free disk or memory, or restart it (rabbitmqctl stop; rabbitmq-server -detached).',
    );
  }
}
