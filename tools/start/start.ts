/**
 * `npm start`: the whole system on this machine. Creates the database when missing, starts the
 * Twilio emulator when no real account is configured, runs the five services as separate
 * processes under a supervisor that starts again whichever exits, waits until the gateway reports
 * every service ready — with the emulator, seeds the demo school into an empty directory — and
 * stops them all on Ctrl-C or SIGTERM.
 */
import path from 'node:path';
import { commonEnvironment, loadConfig, publicBaseUrl } from '@fidelis/config';
import { ServiceName, SERVICES } from '@fidelis/contracts';
import { ensureDatabase } from '@fidelis/database';
import { createRootLogger } from '@fidelis/logging';
import { bundledEmulator } from './bundled-emulator';
import { jsonApi, prepareDemoSchool, seedToken } from './demo-school';
import { Supervisor } from './supervisor';

const root = path.resolve(__dirname, '..', '..');

/**
 * The node arguments that run one of our scripts: the compiled one in dist/ under `npm start`;
 * run from its TypeScript source (`node -r @swc-node/register tools/start/start.ts`, as the tests
 * do), the sources, compiled on the fly.
 */
function script(relativePath: string): string[] {
  return __filename.endsWith('.ts')
    ? ['-r', '@swc-node/register', path.join(root, `${relativePath}.ts`)]
    : [path.join(root, `${relativePath}.js`)];
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

async function waitUntilReady(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const common = loadConfig(commonEnvironment, env);
  const log = createRootLogger('start', { level: common.LOG_LEVEL });

  const supervisor = new Supervisor({
    log,
    onRefused: (name) => {
      log.error(`${name} cannot run with this environment; stopping everything`);
      stop(1);
    },
  });
  let stopping = false;
  function stop(exitCode: number): void {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    void supervisor.stop().then(() => {
      log.info('stopped');
      process.exit(exitCode);
    });
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  await ensureDatabase(common.DATABASE_URL);
  const emulator = bundledEmulator(env);
  if (emulator) {
    Object.assign(env, emulator.env);
    supervisor.start({
      name: 'twilio-emulator',
      command: process.execPath,
      args: script('tools/twilio-emulator/src/main'),
      env,
    });
    log.info(`Twilio emulator on ${emulator.url}`);
  }
  for (const service of SERVICES) {
    supervisor.start({
      name: service,
      command: process.execPath,
      args: [...NODE_FLAGS[service], ...script(`apps/${service}/src/main`)],
      env: { ...env, FIDELIS_SERVICE: service },
    });
  }

  const port = env.PORT ?? '3000';
  const base = `http://localhost:${port}`;
  await waitUntilReady(`${base}/health/ready`);
  if (stopping) return;
  const tryIt = emulator && (await prepareToTry(emulator.url));
  if (stopping) return;
  log.info(`Fidelis SMS is ready at ${base} (API docs at ${base}/api/docs); Ctrl-C stops it`);
  if (tryIt) log.info(tryIt);

  /** With the emulator: the demo school when the directory is empty, and where to try the system. */
  async function prepareToTry(emulatorUrl: string): Promise<string> {
    const dashboard = publicBaseUrl({ PORT: Number(port), PUBLIC_BASE_URL: env.PUBLIC_BASE_URL });
    let signIn = '';
    await waitUntilReady(`${emulatorUrl}/_emulator/health`);
    try {
      const token = seedToken(env.JWT_SECRET ?? 'dev-secret');
      const demo = await prepareDemoSchool(
        jsonApi(base, { Authorization: `Bearer ${token}` }),
        jsonApi(emulatorUrl),
        dashboard,
      );
      if (demo.seeded) log.info('seeded the demo school into the empty directory');
      if (demo.coach) signIn = ` and sign in as ${demo.coach.name}`;
    } catch (error) {
      log.error({ err: error }, 'could not seed the demo school or tell the emulator its numbers');
    }
    return `Try it: open the dashboard at ${dashboard}/${signIn}; text from the phone simulator at ${emulatorUrl}/`;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
