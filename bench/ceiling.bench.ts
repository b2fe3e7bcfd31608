import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import * as amqp from 'amqplib';
import { Pool } from 'pg';
const CEILING_QUEUE = 'bench.ceiling';
import {
  inboundRun,
  inboundSettings,
  lastThroughputRun,
  prepareWebhooks,
  sendWebhooks,
  waitFor,
} from './inbound.bench';
import { percentile } from './support';
import { BenchSystem } from './system';

function startRole(role: string, env: NodeJS.ProcessEnv, port = ''): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(__dirname, 'ceiling-server.js'), role, port], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`ceiling ${role} exited (${code})`)));
  });
}

/**
 * Part `ceiling`: the same webhooks at the same concurrency against a bare server (confirmed
 * persistent publish, then 200) whose consumer inserts one row per message and acks — the most
 * one hop can do here — and the system's inbound throughput as a ratio of it.
 */
export async function benchCeiling(system: BenchSystem): Promise<object> {
  const count = inboundSettings.count;
  const concurrency = inboundSettings.concurrency;
  const db = new Pool({ connectionString: system.databaseUrl, max: 1 });
  const broker = await amqp.connect(system.rabbitmqUrl, { timeout: 10_000 });
  const children: ChildProcess[] = [];
  try {
    await db.query('CREATE SCHEMA IF NOT EXISTS bench_ceiling');
    await db.query(`CREATE TABLE IF NOT EXISTS bench_ceiling.messages (
      sid text PRIMARY KEY, from_phone text NOT NULL, to_phone text NOT NULL, body text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now())`);
    await db.query('TRUNCATE bench_ceiling.messages');
    const channel = await broker.createChannel();
    await channel.deleteQueue(CEILING_QUEUE);
    await channel.assertQueue(CEILING_QUEUE, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.close();

    const env = {
      ...process.env,
      RABBITMQ_URL: system.rabbitmqUrl,
      DATABASE_URL: system.databaseUrl,
    };
    const port = String(Number(process.env.BENCH_CEILING_PORT ?? 3990));
    children.push(await startRole('consumer', env));
    children.push(await startRole('server', env, port));

    // Any phones do: the bare server does not look anyone up.
    const population = {
      admin: 'ceiling',
      staff: Array.from({ length: 20 }, (_, i) => ({
        id: `ceiling-${i}`,
        phoneNumber: `+1415555${String(1000 + i)}`,
      })),
      students: Array.from({ length: 2_000 }, (_, i) => ({
        id: `ceiling-${i}`,
        phone: `+1628${3_000_000 + i}`,
      })),
    };
    const webhooks = prepareWebhooks(system, population, count, 'ceiling');
    const load = await sendWebhooks(`http://127.0.0.1:${port}/webhooks/twilio/sms`, webhooks, {
      concurrency,
    });
    let inserted = 0;
    let doneAt = performance.now();
    const poll = setInterval(() => {
      db.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_ceiling.messages').then(
        ({ rows }) => {
          if (rows[0].n > inserted) doneAt = performance.now();
          inserted = rows[0].n;
        },
        () => undefined,
      );
    }, 100);
    await waitFor(() => inserted, count, 15_000);
    clearInterval(poll);
    const seconds = (doneAt - load.startedAt) / 1000;
    const ceilingPerSecond = Math.round(inserted / seconds);

    const system_ = lastThroughputRun ?? (await inboundRun(system, 'max', count, { concurrency }));
    const exactRatio = system_.deliveredPerSecond / ceilingPerSecond;
    const latency = Array.from(load.latencyMs);
    return {
      part: 'ceiling',
      webhooks: count,
      concurrency,
      answered: load.statuses,
      webhookMs: { p50: percentile(latency, 0.5), p99: percentile(latency, 0.99) },
      acceptedPerSecond: Math.round(
        (load.statuses['200'] ?? 0) / ((load.endedAt - load.startedAt) / 1000),
      ),
      ceilingPerSecond,
      inserted,
      systemDeliveredPerSecond: system_.deliveredPerSecond,
      ratio: Math.round(exactRatio * 1000) / 1000,
      // Judged unrounded: 0.2486 is not 0.25.
      targets: { ratioGe025: exactRatio >= 0.25 },
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await broker.close();
    await db.end();
  }
}
