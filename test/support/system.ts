import { createServer } from 'node:net';
import { INestApplicationContext } from '@nestjs/common';
import { Pool } from 'pg';
import { ServiceName } from '@fidelis/contracts';
import { createWorker } from '@fidelis/runtime';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { createGateway } from '../../apps/gateway/src/create-gateway';
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
import { DATABASE_URL, RABBITMQ_URL } from './infrastructure';

export interface TestSystem {
  /** The gateway's base URL, which is also its PUBLIC_BASE_URL. */
  url: string;
  emulator: EmulatorHarness;
  env: NodeJS.ProcessEnv;
  /** A plain connection to the test database, for looking at what the services stored. */
  db: Pool;
  stop(service: ServiceName): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The whole system in this process, each service a Nest application of its own as in production,
 * talking through the real RabbitMQ and Postgres, with the Twilio emulator at Twilio's place.
 */
export async function startSystem(): Promise<TestSystem> {
  const emulator = await startEmulator();
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
  };

  const workers: [ServiceName, () => Promise<INestApplicationContext>][] = [
    ['numbers', () => createWorker(NumbersModule.forRoot(loadNumbersConfig(env)))],
    ['messaging', () => createWorker(MessagingModule.forRoot(loadMessagingConfig(env)))],
    ['routing', () => createWorker(RoutingModule.forRoot(loadRoutingConfig(env)))],
    ['notification', () => createWorker(NotificationModule.forRoot(loadNotificationConfig(env)))],
  ];
  const running = new Map<ServiceName, INestApplicationContext>();
  for (const [name, boot] of workers) running.set(name, await boot());
  const gateway = await createGateway(loadGatewayConfig(env));
  await gateway.listen(port, '127.0.0.1');
  running.set('gateway', gateway);

  // A pool, not one client: it reconnects after a test stops and starts Postgres.
  const db = new Pool({ connectionString: DATABASE_URL, max: 2 });
  db.on('error', () => undefined);

  const stop = async (service: ServiceName) => {
    await running.get(service)?.close();
    running.delete(service);
  };
  return {
    url,
    emulator,
    env,
    db,
    stop,
    close: async () => {
      for (const service of [...running.keys()]) await stop(service);
      await db.end().catch(() => undefined);
      await emulator.close();
    },
  };
}
