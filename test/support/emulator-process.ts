import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';

const ROOT = path.resolve(__dirname, '../..');

/** The Twilio emulator as a process of its own, driven through its control API. */
export interface EmulatorProcess {
  url: string;
  /** GET (no body) or POST (JSON body) `/_emulator<path>`. */
  control(path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/**
 * Starts `tools/twilio-emulator/src/main.ts` on a free port. A test that measures time by the
 * emulator's clock runs it apart, as Twilio is: in the test's own process, the services running
 * there would hold that clock up (seen: creates stamped up to 2.4 s after they were sent).
 */
export async function startEmulatorProcess(callbackDelayMs = 20): Promise<EmulatorProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(ROOT, 'tools/twilio-emulator/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TWILIO_EMULATOR_PORT: String(port),
        TWILIO_EMULATOR_CALLBACK_DELAY_MS: String(callbackDelayMs),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const control = async (controlPath: string, body?: unknown) => {
    const response = await fetch(`${url}/_emulator${controlPath}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`);
      expect((await control('/health')).status).toBe(200);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return {
    url,
    control,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
