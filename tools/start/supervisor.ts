import { ChildProcess, spawn } from 'node:child_process';
import type { Logger } from 'pino';
import { CONFIG_REFUSED_EXIT_CODE } from '@fidelis/config';

/** A process the supervisor keeps running: `command args…` with `env`, on this terminal. */
export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface RestartTimings {
  /** The wait before the first restart; each further one doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A child that ran this long is taken as healthy: its next exit starts from the first delay. */
  healthyAfterMs: number;
}

/**
 * 0.5 s, doubling to 30 s. Healthy means up for 30 s: longer than any boot here (3–8 s with the
 * migrations), so a child that keeps failing at or just after boot is never taken as healthy, while
 * one that crashes now and then after real work is back within half a second each time.
 */
export const RESTART_TIMINGS: RestartTimings = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  healthyAfterMs: 30_000,
};

/** When to start one child again after it exited on its own: exponential backoff, reset by health. */
export class RestartPolicy {
  private failures = 0;
  private startedAt = 0;

  constructor(
    private readonly timings: RestartTimings = RESTART_TIMINGS,
    private readonly now: () => number = Date.now,
  ) {}

  started(): void {
    this.startedAt = this.now();
  }

  /** The wait before starting the child again, given that it exited just now. */
  exited(): number {
    if (this.now() - this.startedAt >= this.timings.healthyAfterMs) this.failures = 0;
    const delay = Math.min(this.timings.firstDelayMs * 2 ** this.failures, this.timings.maxDelayMs);
    this.failures += 1;
    return delay;
  }
}

export interface SupervisorOptions {
  log: Logger;
  timings?: RestartTimings;
  /** How long a child gets to drain after SIGTERM before SIGKILL. */
  killAfterMs?: number;
  /** A child refused its configuration: starting it again would only fail again. */
  onRefused: (name: string) => void;
}

interface Supervised {
  spec: ChildSpec;
  policy: RestartPolicy;
  process?: ChildProcess;
  restart?: NodeJS.Timeout;
}

const isRunning = (process: ChildProcess | undefined): process is ChildProcess =>
  process !== undefined && process.exitCode === null && process.signalCode === null;

/**
 * Runs child processes and starts each again when it exits on its own, after its policy's wait,
 * logging the exit code or signal and the wait. `stop()` ends them all with a graceful drain.
 */
export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  start(spec: ChildSpec): void {
    const child: Supervised = { spec, policy: new RestartPolicy(this.options.timings) };
    this.children.push(child);
    this.run(child);
  }

  /** SIGTERM to every child, SIGKILL to any still running after `killAfterMs`; none restarts. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const child of this.children) clearTimeout(child.restart);
    const killAfterMs = this.options.killAfterMs ?? 10_000;
    await Promise.all(
      this.children
        .map((child) => child.process)
        .filter(isRunning)
        .map(
          (running) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => running.kill('SIGKILL'), killAfterMs);
              running.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              running.kill('SIGTERM');
            }),
        ),
    );
  }

  private run(child: Supervised): void {
    const { name, command, args, env } = child.spec;
    const spawned = spawn(command, args, { env, stdio: 'inherit' });
    child.process = spawned;
    child.policy.started();
    this.options.log.info(
      { child: name, pid: spawned.pid },
      `${name} started (pid ${spawned.pid})`,
    );
    spawned.once('error', (error) =>
      this.options.log.error({ child: name, err: error }, `${name} could not be run or signalled`),
    );
    spawned.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private exited(child: Supervised, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const { name } = child.spec;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (code === CONFIG_REFUSED_EXIT_CODE) {
      this.options.log.error({ child: name, code }, `${name} refused its configuration (${how})`);
      this.options.onRefused(name);
      return;
    }
    const delayMs = child.policy.exited();
    this.options.log.warn(
      { child: name, code, signal, delayMs },
      `${name} exited (${how}); starting it again in ${delayMs / 1000} s`,
    );
    child.restart = setTimeout(() => this.run(child), delayMs);
  }
}
