import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import * as amqp from 'amqplib';
import jwt from 'jsonwebtoken';
import { SUBSCRIPTIONS } from '@fidelis/contracts';

/** The system under measurement: one already running at BENCH_URL, or started here as `npm start` does. */
export interface BenchSystem {
  url: string;
  token(staffId: string, role: string): string;
  stop(): Promise<void>;
}

const dist = path.resolve(__dirname, '..');

async function waitUntilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not become ready`);
}

export async function startBenchSystem(): Promise<BenchSystem> {
  const secret = process.env.JWT_SECRET ?? 'dev-secret';
  const token = (staffId: string, role: string) =>
    jwt.sign({ sub: staffId, role }, secret, { algorithm: 'HS256', expiresIn: '2h' });
  if (process.env.BENCH_URL) {
    await waitUntilReady(process.env.BENCH_URL);
    return { url: process.env.BENCH_URL, token, stop: () => Promise.resolve() };
  }
  const port = process.env.BENCH_PORT ?? '3900';
  const env = {
    ...process.env,
    PORT: port,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fidelis_bench',
    TWILIO_EMULATOR_PORT: process.env.TWILIO_EMULATOR_PORT ?? '4900',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const child: ChildProcess = spawn(process.execPath, [path.join(dist, 'tools/start/start.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url);
  return {
    url,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/**
 * Waits until every event queue of the system is empty (the consumers caught up), so that one
 * measurement does not pay for the work the previous one left behind.
 */
export async function waitForQuiet(timeoutMs = 300_000): Promise<void> {
  const connection = await amqp.connect(
    process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  );
  try {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (quietChecks < 2) {
      if (Date.now() > deadline) throw new Error('the system did not become quiet');
      const channel = await connection.createChannel();
      let waiting = 0;
      for (const { queue } of Object.values(SUBSCRIPTIONS)) {
        waiting += (await channel.checkQueue(queue)).messageCount;
      }
      await channel.close();
      quietChecks = waiting === 0 ? quietChecks + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await connection.close();
  }
}
