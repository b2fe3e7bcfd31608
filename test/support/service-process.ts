import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ServiceName } from '@fidelis/contracts';
import { eventually } from './eventually';

const ROOT = path.resolve(__dirname, '../..');

/** A worker service running as a process of its own, so that a test can `kill -9` it. */
export interface ServiceProcess {
  service: ServiceName;
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs; whatever was in flight stays in flight. */
  kill(): Promise<void>;
  /** SIGTERM, as an orchestrator stops it; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts `apps/<service>/src/main.ts` with `env` (TypeScript compiled on the fly by
 * @swc-node/register, path aliases from tsconfig.json) and waits until `ready()` stops throwing.
 */
export async function startServiceProcess(
  service: Exclude<ServiceName, 'gateway'>,
  env: NodeJS.ProcessEnv,
  ready: () => Promise<unknown>,
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(ROOT, `apps/${service}/src/main.ts`)],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  await eventually(
    async () => {
      if (gone()) throw new Error(`${service} exited with ${child.exitCode ?? child.signalCode}`);
      await ready();
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return {
    service,
    child,
    kill: async () => {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (gone()) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
