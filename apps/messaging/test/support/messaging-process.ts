import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'pg';
import { eventually } from '../../../../test/support/eventually';

const ROOT = path.resolve(__dirname, '../../../..');

/** A messaging service running as a process of its own (so that a test can kill -9 it). */
export interface MessagingProcess {
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs, sends in flight stay in flight. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `apps/messaging/src/main.ts` with `env` (TypeScript compiled on the fly by
 * @swc-node/register, path aliases from tsconfig.json) and waits until its send worker beats.
 */
export async function startMessagingProcess(
  env: NodeJS.ProcessEnv,
  db: Pool,
): Promise<MessagingProcess> {
  const before = await db.query<{ worker_id: string }>(
    'SELECT worker_id FROM messaging.send_workers',
  );
  const known = before.rows.map((row) => row.worker_id);
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(ROOT, 'apps/messaging/src/main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`messaging exited with ${child.exitCode}`);
      const { rows } = await db.query(
        'SELECT 1 FROM messaging.send_workers WHERE NOT (worker_id = ANY($1::uuid[]))',
        [known],
      );
      expect(rows.length).toBeGreaterThan(0);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return {
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
