import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as amqp from 'amqplib';

const run = promisify(execFile);

/** The Postgres and RabbitMQ the tests use: the environment's, or the contract's defaults. */
export const RABBITMQ_URL =
  process.env.RABBITMQ_URL ??
  `amqp://guest:guest@127.0.0.1:5672/${process.env.TEST_RABBITMQ_VHOST ?? 'fidelis_test'}`;
export const RABBITMQ_VHOST = decodeURIComponent(new URL(RABBITMQ_URL).pathname.slice(1)) || '/';
export const DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fidelis_test';

/** A name no other test run uses, for schemas and queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
  return stdout;
}

export async function waitForRabbitMq(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await amqp.connect(RABBITMQ_URL);
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Stops the RabbitMQ application for the length of `fn`, and always starts it again. */
export async function withRabbitMqStopped<T>(fn: () => Promise<T>): Promise<T> {
  await rabbitmqctl('stop_app');
  try {
    return await fn();
  } finally {
    await rabbitmqctl('start_app');
    await waitForRabbitMq();
  }
}

/** Has the server close every client connection of the tests' vhost, as a broker failover does. */
export async function closeAllConnections(reason: string): Promise<void> {
  await rabbitmqctl('close_all_connections', '-p', RABBITMQ_VHOST, reason);
}

/** The server-side ids of the connections open on the tests' vhost (list_connections shows all). */
export async function connectionIds(): Promise<string[]> {
  const out = await rabbitmqctl('list_connections', 'vhost', 'pid');
  return out
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([vhost, pid]) => vhost === RABBITMQ_VHOST && pid?.startsWith('<'))
    .map(([, pid]) => pid);
}

/** Stops Postgres for the length of `fn`, and always starts it again. */
export async function withPostgresStopped<T>(fn: () => Promise<T>): Promise<T> {
  const cluster = (await run('ls', ['/etc/postgresql'])).stdout.trim();
  const pgctl = (action: string) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', action], {
      timeout: 60_000,
    });
  await pgctl('stop');
  try {
    return await fn();
  } finally {
    await pgctl('start');
  }
}

export interface QueueCounts {
  ready: number;
  unacked: number;
  type: string;
  durable: boolean;
}

/** Every queue of the tests' vhost with its counts as the broker sees them, unacked included. */
export async function allQueueCounts(): Promise<Map<string, QueueCounts>> {
  const rows = JSON.parse(
    await rabbitmqctl(
      'list_queues',
      '-p',
      RABBITMQ_VHOST,
      'name',
      'type',
      'durable',
      'messages_ready',
      'messages_unacknowledged',
      '--formatter',
      'json',
    ),
  ) as {
    name: string;
    type: string;
    durable: boolean;
    messages_ready: number;
    messages_unacknowledged: number;
  }[];
  return new Map(
    rows.map((row) => [
      row.name,
      {
        ready: row.messages_ready,
        unacked: row.messages_unacknowledged,
        type: row.type,
        durable: row.durable,
      },
    ]),
  );
}

/** Counts of one queue as the broker sees them, unacked included. */
export async function queueCounts(queue: string): Promise<QueueCounts> {
  const counts = (await allQueueCounts()).get(queue);
  if (!counts) throw new Error(`queue ${queue} does not exist`);
  return counts;
}

/** Deletes test queues (and their retry and dead-letter queues). */
export async function deleteQueues(queues: string[]): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  for (const queue of queues) {
    for (const name of [queue, `${queue}.retry`, `${queue}.dlq`]) await channel.deleteQueue(name);
  }
  await connection.close();
}
