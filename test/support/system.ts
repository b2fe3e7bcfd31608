import { INestApplicationContext } from '@nestjs/common';
import { Pool } from 'pg';
import * as amqp from 'amqplib';
import { Role, ServiceName, SERVICES, SUBSCRIPTIONS } from '@fidelis/contracts';
import { createWorker } from '@fidelis/runtime';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { createGateway, listenGateway } from '../../apps/gateway/src/create-gateway';
import { loadMessagingConfig } from '../../apps/messaging/src/config';
import { MessagingModule } from '../../apps/messaging/src/messaging.module';
import { loadNotificationConfig } from '../../apps/notification/src/config';
import { NotificationModule } from '../../apps/notification/src/notification.module';
import { loadNumbersConfig } from '../../apps/numbers/src/config';
import { NumbersModule } from '../../apps/numbers/src/numbers.module';
import { loadRoutingConfig } from '../../apps/routing/src/config';
import { RoutingModule } from '../../apps/routing/src/routing.module';
import {
  EmulatorHarness,
  startEmulator,
} from '../../tools/twilio-emulator/test/support/emulator-harness';
import { TEST_DASHBOARD_DIR } from './dashboard-build';
import { DATABASE_URL, RABBITMQ_URL } from './infrastructure';
import { tokenFor } from './tokens';
import { freePort } from './free-port';

export interface TestSystem {
  /** The gateway's base URL, which is also its PUBLIC_BASE_URL. */
  url: string;
  emulator: EmulatorHarness;
  env: NodeJS.ProcessEnv;
  /** A plain connection to the test database, for looking at what the services stored. */
  db: Pool;
  /** Calls the gateway's REST API as a staff member (or with a raw token, or none). */
  api(method: string, path: string, options?: ApiOptions): Promise<ApiResponse>;
  /** Buys a number in area code 415 for the staff member, as the admin `as` does; its E.164. */
  buyNumber(as: ApiOptions['as'], staffId: string): Promise<string>;
  /** A phone texts one of the system's numbers through the emulator, as Twilio delivers it. */
  text(from: string, to: string, body: string): Promise<void>;
  stop(service: ServiceName): Promise<void>;
  /** Starts a worker service again after `stop()` (not the gateway). */
  start(service: Exclude<ServiceName, 'gateway'>): Promise<void>;
  close(): Promise<void>;
}

export interface ApiOptions {
  as?: { staffId: string; role: Role };
  token?: string;
  body?: unknown;
  /** A body sent as it is, of this media type (instead of `body` as JSON). */
  raw?: { type: string; text: string };
  headers?: Record<string, string>;
}

// Tests read bodies field by field; `any` keeps them short where the shape is the assertion.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function callApi(
  base: string,
  method: string,
  path: string,
  options: ApiOptions = {},
) {
  const token = options.token ?? (options.as && tokenFor(options.as.staffId, options.as.role));
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.raw ? { 'Content-Type': options.raw.type } : {}),
      ...options.headers,
    },
    body:
      options.raw?.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers } as ApiResponse;
}

/**
 * Each test file starts from quiet queues: events an earlier file left behind (a 10,000-student
 * import announces 10,000 of them) would otherwise keep this file's services busy.
 */
async function forgetEarlierTests(): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_URL);
  for (const { queue } of Object.values(SUBSCRIPTIONS)) {
    for (const name of [queue, `${queue}.retry`]) {
      // A missing queue (a fresh vhost) closes the channel, so each purge gets its own.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.purgeQueue(name).then(
        () => channel.close(),
        () => undefined,
      );
    }
  }
  await connection.close().catch(() => undefined);
  const db = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    for (const schema of SERVICES) {
      await db.query(`TRUNCATE "${schema}".outbox`).catch(() => undefined);
    }
  } finally {
    await db.end();
  }
}

/**
 * The test database outlives the emulator: a number an earlier test used is not for sale in the
 * emulator at `emulatorUrl`, so no holder inherits that test's messages (replies that nobody
 * held go to a number's next holder).
 */
export async function withholdUsedNumbers(emulatorUrl: string): Promise<void> {
  for (const phoneNumber of await usedNumbers()) {
    const answer = await fetch(`${emulatorUrl}/_emulator/unavailable`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phoneNumber }),
    });
    if (!answer.ok) throw new Error(`the emulator kept ${phoneNumber} for sale: ${answer.status}`);
  }
}

/**
 * Every number the test database has known as the system's: held or released by the numbers
 * service, or texted through by a test that bought it straight from the emulator.
 */
async function usedNumbers(): Promise<string[]> {
  const db = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await db.query<{ phone_number: string }>(
      `SELECT phone_number FROM numbers.phone_numbers
       UNION SELECT to_phone FROM messaging.messages WHERE direction = 'inbound' AND to_phone IS NOT NULL
       UNION SELECT from_phone FROM messaging.messages WHERE direction = 'outbound'`,
    );
    return rows.map((row) => row.phone_number);
  } catch {
    return []; // a fresh database: the services have not migrated yet
  } finally {
    await db.end();
  }
}

/**
 * The whole system in this process, each service a Nest application of its own as in production,
 * talking through the real RabbitMQ and Postgres, with the Twilio emulator at Twilio's place.
 */
export interface SystemOptions {
  /** Added to (or overriding) every service's environment, e.g. `SEND_RATE_PER_NUMBER`. */
  env?: NodeJS.ProcessEnv;
  /** Services not to start here (a test runs them itself, e.g. as a child process). */
  without?: ServiceName[];
}

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  await forgetEarlierTests();
  const emulator = await startEmulator();
  await withholdUsedNumbers(emulator.url);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL,
    RABBITMQ_URL,
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    TWILIO_ACCOUNT_SID: emulator.emulator.accountSid,
    TWILIO_AUTH_TOKEN: emulator.emulator.authToken,
    TWILIO_API_BASE_URL: emulator.url,
    LOG_LEVEL: process.env.LOG_LEVEL,
    QUIET_HOURS: process.env.QUIET_HOURS,
    DASHBOARD_DIR: TEST_DASHBOARD_DIR,
    ...options.env,
  };

  const workers: [ServiceName, () => Promise<INestApplicationContext>][] = [
    ['numbers', () => createWorker(NumbersModule.forRoot(loadNumbersConfig(env)))],
    ['messaging', () => createWorker(MessagingModule.forRoot(loadMessagingConfig(env)))],
    ['routing', () => createWorker(RoutingModule.forRoot(loadRoutingConfig(env)))],
    ['notification', () => createWorker(NotificationModule.forRoot(loadNotificationConfig(env)))],
  ];
  const running = new Map<ServiceName, INestApplicationContext>();
  for (const [name, boot] of workers) {
    if (!options.without?.includes(name)) running.set(name, await boot());
  }
  const gateway = await createGateway(loadGatewayConfig(env));
  await listenGateway(gateway, port, '127.0.0.1');
  running.set('gateway', gateway);

  // A pool, not one client: it reconnects after a test stops and starts Postgres.
  const db = new Pool({ connectionString: DATABASE_URL, max: 2 });
  db.on('error', () => undefined);

  const start = async (service: Exclude<ServiceName, 'gateway'>) => {
    const boot = workers.find(([name]) => name === service)?.[1];
    if (!boot || running.has(service)) return;
    running.set(service, await boot());
  };
  const stop = async (service: ServiceName) => {
    await running.get(service)?.close();
    running.delete(service);
  };
  return {
    url,
    api: (method, path, options) => callApi(url, method, path, options),
    buyNumber: async (as, staffId) => {
      const bought = await callApi(url, 'POST', '/api/numbers', {
        as,
        body: { areaCode: '415', staffId },
      });
      expect(bought.status).toBe(201);
      return bought.body.phoneNumber;
    },
    text: async (from, to, body) => {
      const sent = await emulator.control('/inbound', { from, to, body });
      expect(sent.status).toBe(200);
    },
    emulator,
    env,
    db,
    stop,
    start,
    close: async () => {
      for (const service of [...running.keys()]) await stop(service);
      await db.end().catch(() => undefined);
      await emulator.close();
    },
  };
}
