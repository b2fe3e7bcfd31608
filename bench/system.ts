import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as amqp from 'amqplib';
import jwt from 'jsonwebtoken';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';

/** The system under measurement: one already running at BENCH_URL, or started here as `npm start` does. */
export interface BenchSystem {
  url: string;
  /** The system's database, for seeding what would take too long through the API. */
  databaseUrl: string;
  /** The system's broker (the bench starts it in a vhost of its own). */
  rabbitmqUrl: string;
  /** The gateway as Twilio sees it: webhook signatures are computed over this base + path. */
  publicBaseUrl: string;
  /** The auth token the gateway checks webhook signatures with. */
  twilioAuthToken: string;
  /** The Twilio emulator's base URL (its `/_emulator` controls). */
  emulatorUrl: string;
  token(staffId: string, role: string): string;
  /** Peak (VmHWM) and current (VmRSS) resident memory of each service process, in MB; empty at BENCH_URL. */
  memory(): Record<string, { peakMb: number; rssMb: number }>;
  /** CPU seconds used so far by each service (none at BENCH_URL), Postgres, RabbitMQ and the bench. */
  cpu(): Record<string, number>;
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

/** The direct children of `parentPid`, by the script they run (`apps/<name>/src/main.js` → name). */
function childProcesses(parentPid: number): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may contain spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      // node [flags…] <script>: the script is the last argument.
      const script =
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).pop() ?? '';
      const name = /(?:apps|tools)\/([^/]+)\/src\/main\.js$/.exec(script)?.[1] ?? script;
      found.push({ pid: Number(entry), name });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** CPU seconds (user + system) a process used, with its reaped children's (`cutime`, `cstime`). */
function cpuSecondsOf(pid: number, withChildren = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm: field 14 (utime) is index 11 here, then stime, cutime, cstime.
  const ticks = fields.slice(11, withChildren ? 15 : 13).reduce((sum, f) => sum + Number(f), 0);
  return ticks / 100;
}

/** The pids whose command line starts with `prefix` (Postgres backends, the RabbitMQ node). */
function processesNamed(pattern: RegExp): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return pattern.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * CPU seconds used so far by each service of the system, by Postgres (the postmaster with every
 * backend, living or reaped) and by the RabbitMQ node. Differences of two readings give what a
 * run cost, wherever it was spent.
 */
export function cpuSeconds(
  servicesOf: () => { pid: number; name: string }[],
): Record<string, number> {
  const total: Record<string, number> = {};
  const add = (name: string, seconds: number) => (total[name] = (total[name] ?? 0) + seconds);
  const safely = (read: () => number) => {
    try {
      return read();
    } catch {
      return 0; // exited while we looked
    }
  };
  for (const { pid, name } of servicesOf())
    add(
      name,
      safely(() => cpuSecondsOf(pid)),
    );
  for (const pid of processesNamed(/^\/usr\/lib\/postgresql\/.*\/bin\/postgres /)) {
    add(
      'postgres',
      safely(() => cpuSecondsOf(pid, true)),
    );
  }
  for (const pid of processesNamed(/^postgres: /))
    add(
      'postgres',
      safely(() => cpuSecondsOf(pid)),
    );
  for (const pid of processesNamed(/beam\.smp/))
    add(
      'rabbitmq',
      safely(() => cpuSecondsOf(pid)),
    );
  add('bench', cpuSecondsOf(process.pid));
  return total;
}

function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return {
    peakMb: Math.round(kb('VmHWM') / 1024),
    rssMb: Math.round(kb('VmRSS') / 1024),
  };
}

/** Creates the broker's vhost (with rabbitmqctl, as the tests do) when it does not exist yet. */
async function ensureVhost(rabbitmqUrl: string): Promise<void> {
  try {
    await (await amqp.connect(rabbitmqUrl)).close();
  } catch {
    const vhost = decodeURIComponent(new URL(rabbitmqUrl).pathname.slice(1)) || '/';
    const user = decodeURIComponent(new URL(rabbitmqUrl).username) || 'guest';
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, user, '.*', '.*', '.*']);
  }
}

export async function startBenchSystem(): Promise<BenchSystem> {
  const secret = process.env.JWT_SECRET ?? 'dev-secret';
  const databaseUrl =
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fidelis_bench';
  // A vhost of its own, so that no other system on this broker consumes the bench's events.
  const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672/fidelis_bench';
  const emulatorPort = process.env.TWILIO_EMULATOR_PORT ?? '4900';
  const token = (staffId: string, role: string) =>
    jwt.sign({ sub: staffId, role }, secret, { algorithm: 'HS256', expiresIn: '2h' });
  const common = {
    databaseUrl,
    rabbitmqUrl,
    twilioAuthToken: process.env.TWILIO_AUTH_TOKEN ?? EMULATOR_AUTH_TOKEN,
    emulatorUrl: process.env.BENCH_EMULATOR_URL ?? `http://127.0.0.1:${emulatorPort}`,
    token,
  };
  if (process.env.BENCH_URL) {
    await waitUntilReady(process.env.BENCH_URL);
    return {
      ...common,
      url: process.env.BENCH_URL,
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? process.env.BENCH_URL,
      memory: () => ({}),
      cpu: () => cpuSeconds(() => []),
      stop: () => Promise.resolve(),
    };
  }
  const port = process.env.BENCH_PORT ?? '3900';
  const publicBaseUrl = process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`;
  const env = {
    ...process.env,
    PORT: port,
    PUBLIC_BASE_URL: publicBaseUrl,
    DATABASE_URL: databaseUrl,
    RABBITMQ_URL: rabbitmqUrl,
    TWILIO_EMULATOR_PORT: emulatorPort,
    // Outbound pacing high enough that the bulk measures the system, not Twilio's limit.
    SEND_RATE_PER_NUMBER: process.env.SEND_RATE_PER_NUMBER ?? '100',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The bench measures throughput at whatever hour it runs: no student's night holds a send.
    QUIET_HOURS: process.env.QUIET_HOURS ?? 'off',
  };
  await ensureVhost(rabbitmqUrl);
  const child: ChildProcess = spawn(process.execPath, [path.join(dist, 'tools/start/start.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url);
  return {
    ...common,
    url,
    publicBaseUrl,
    memory: () =>
      Object.fromEntries(
        childProcesses(child.pid ?? -1)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(({ pid, name }) => [name, memoryOf(pid)]),
      ),
    cpu: () => cpuSeconds(() => childProcesses(child.pid ?? -1)),
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
export async function waitForQuiet(
  rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672/fidelis_bench',
  timeoutMs = 300_000,
): Promise<void> {
  const connection = await amqp.connect(rabbitmqUrl);
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
