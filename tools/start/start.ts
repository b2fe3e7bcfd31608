/**
 * `npm start`: the whole system on this machine. Creates the database when missing, starts the
 * Twilio emulator when no real account is configured, runs the five services as separate
 * processes, waits until the gateway reports every service ready, and stops them all on Ctrl-C.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { commonEnvironment, loadConfig } from '@fidelis/config';
import { ServiceName, SERVICES } from '@fidelis/contracts';
import { ensureDatabase } from '@fidelis/database';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';

const dist = path.resolve(__dirname, '..', '..');
const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;

function log(message: string): void {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'start', msg: message })}\n`,
  );
}

/**
 * V8 memory flags of each service. Without a heap limit V8 sizes the heap from the machine's
 * memory and collects lazily, so a service under load holds garbage well past its working set.
 * Numbers also gets a small young generation: a 10,000-student import otherwise peaks at 235 MB,
 * and it is off the message path, where more frequent scavenges would cost throughput.
 */
const HEAP_LIMIT = '--max-old-space-size=160';
const NODE_FLAGS: Record<ServiceName, string[]> = {
  gateway: [HEAP_LIMIT],
  numbers: [HEAP_LIMIT, '--max-semi-space-size=4'],
  messaging: [HEAP_LIMIT],
  routing: [HEAP_LIMIT],
  notification: [HEAP_LIMIT],
};

function launch(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
): void {
  const child = spawn(process.execPath, [...nodeFlags, path.join(dist, script)], {
    env,
    stdio: 'inherit',
  });
  children.push({ name, process: child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping everything`);
    void stop(1);
  });
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping');
  const exits = children
    .filter(({ process: child }) => child.exitCode === null && child.signalCode === null)
    .map(
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
  await Promise.all(exits);
  log('stopped');
  process.exit(exitCode);
}

async function waitUntilReady(url: string): Promise<void> {
  for (let attempt = 0; !stopping; attempt += 1) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const env: NodeJS.ProcessEnv = { ...process.env };
  const common = loadConfig(commonEnvironment, env);
  const port = env.PORT ?? '3000';
  await ensureDatabase(common.DATABASE_URL);

  if (!env.TWILIO_ACCOUNT_SID) {
    const emulatorPort = env.TWILIO_EMULATOR_PORT ?? '4010';
    Object.assign(env, {
      TWILIO_ACCOUNT_SID: EMULATOR_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: EMULATOR_AUTH_TOKEN,
      TWILIO_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`,
      TWILIO_EMULATOR_PORT: emulatorPort,
    });
    launch('twilio-emulator', 'tools/twilio-emulator/src/main.js', env);
    log(`Twilio emulator on http://127.0.0.1:${emulatorPort}`);
  }
  for (const service of SERVICES) {
    launch(
      service,
      `apps/${service}/src/main.js`,
      { ...env, FIDELIS_SERVICE: service },
      NODE_FLAGS[service],
    );
  }

  const base = `http://localhost:${port}`;
  await waitUntilReady(`${base}/health/ready`);
  if (!stopping)
    log(`Fidelis SMS is ready at ${base} (API docs at ${base}/api/docs); Ctrl-C stops it`);
}

main().catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
});
