import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import webpush from 'web-push';
import { createWorker } from '@fidelis/runtime';
import { DATABASE_URL, RABBITMQ_URL } from '../../../test/support/infrastructure';
import { loadNotificationConfig } from '../src/config';
import { NotificationModule } from '../src/notification.module';
import { VAPID_DETAILS, VapidDetails } from '../src/push/vapid-keys';

/** A database of its own, so that no key pair is there yet. */
const database = `fidelis_test_vapid_${randomBytes(4).toString('hex')}`;
const url = new URL(DATABASE_URL);
url.pathname = `/${database}`;

const workers: INestApplicationContext[] = [];

function boot(env: NodeJS.ProcessEnv = {}): Promise<INestApplicationContext> {
  const config = loadNotificationConfig({
    DATABASE_URL: url.toString(),
    RABBITMQ_URL,
    LOG_LEVEL: process.env.LOG_LEVEL,
    ...env,
  });
  return createWorker(NotificationModule.forRoot(config)).then((worker) => {
    workers.push(worker);
    return worker;
  });
}

afterAll(async () => {
  for (const worker of workers) await worker.close();
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.end();
});

describe('the VAPID key pair', () => {
  it('is generated once and kept: two instances booting together on a fresh database share it', async () => {
    const [first, second] = await Promise.all([boot(), boot()]);
    const keys = [first, second].map((worker) => worker.get<VapidDetails>(VAPID_DETAILS));
    expect(keys[0]).toEqual(keys[1]);
    expect(Buffer.from(keys[0].publicKey, 'base64url')).toHaveLength(65);
    expect(keys[0].subject).toBe('mailto:no-reply@localhost');

    const again = await boot();
    expect(again.get<VapidDetails>(VAPID_DETAILS)).toEqual(keys[0]);

    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query('SELECT public_key FROM notification.vapid_keys');
    await client.end();
    expect(rows).toEqual([{ public_key: keys[0].publicKey }]);
  });

  it('comes from VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT when they are set', async () => {
    const pair = webpush.generateVAPIDKeys();
    const worker = await boot({
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: 'https://fidelis.example.edu/contact',
    });
    expect(worker.get<VapidDetails>(VAPID_DETAILS)).toEqual({
      subject: 'https://fidelis.example.edu/contact',
      ...pair,
    });
  });
});
