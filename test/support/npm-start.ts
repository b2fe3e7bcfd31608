import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

/** One line of the system's stdout: every process writes JSON lines there (it is not a terminal). */
export interface LogLine {
  time: string;
  service: string;
  msg: string;
  child?: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  delayMs?: number;
}

export interface NpmStart {
  process: ChildProcess;
  /** Every JSON line it printed so far, in order. */
  lines: LogLine[];
  /** The lines that were not JSON (none is the goal). */
  notJson: string[];
  /** What it wrote on stderr, line by line, when asked to keep it (else stderr is the test's). */
  stderr: string[];
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, as Ctrl-C stops it (SIGKILL only if it is not gone within 15 s). */
  stop(): Promise<number | null>;
}

/**
 * The system as `npm start` starts it — tools/start/start.ts as a process of its own, running the
 * emulator (unless TWILIO_ACCOUNT_SID is set) and the five services as its children — from the
 * sources, so a test needs no `npm run build`.
 */
export function npmStart(env: NodeJS.ProcessEnv, options: { keepStderr?: boolean } = {}): NpmStart {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/start/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', options.keepStderr ? 'pipe' : 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const lines: LogLine[] = [];
  const notJson: string[] = [];
  const stderr: string[] = [];
  if (child.stderr)
    createInterface({ input: child.stderr }).on('line', (text) => stderr.push(text));
  // stdout is always piped (stdio above), so the stream is there.
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      notJson.push(text);
    }
  });
  return {
    process: child,
    lines,
    notJson,
    stderr,
    exited,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      // SIGTERM, so the supervisor stops its children too: a SIGKILL would leave them running.
      child.kill('SIGTERM');
      const killLater = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killLater);
      return code;
    },
  };
}

/** The environment of `npm start` on a new machine: no Twilio account, JSON log lines. */
export function withoutTwilioAccount(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of [
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_API_BASE_URL',
    'LOG_FORMAT',
  ]) {
    delete clean[name];
  }
  return clean;
}
