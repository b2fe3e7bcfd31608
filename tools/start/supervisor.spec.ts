import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createRootLogger } from '@fidelis/logging';
import { eventually } from '../../test/support/eventually';
import { RestartPolicy, RESTART_TIMINGS, Supervisor } from './supervisor';

describe('RestartPolicy', () => {
  it('waits 0.5 s after the first exit and doubles each wait up to 30 s while the child keeps failing', () => {
    let now = 0;
    const policy = new RestartPolicy(RESTART_TIMINGS, () => now);
    const waits: number[] = [];
    for (let exit = 0; exit < 9; exit += 1) {
      policy.started();
      now += 2_000; // fails 2 s after each start, as a service that cannot boot
      waits.push(policy.exited());
      now += waits[exit];
    }
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts from 0.5 s again once the child has run for 30 s, and not before', () => {
    let now = 0;
    const policy = new RestartPolicy(RESTART_TIMINGS, () => now);
    const runFor = (ms: number) => {
      policy.started();
      now += ms;
      return policy.exited();
    };
    expect([runFor(1_000), runFor(1_000), runFor(1_000)]).toEqual([500, 1_000, 2_000]);
    expect(runFor(29_999)).toBe(4_000);
    expect(runFor(30_000)).toBe(500);
    expect(runFor(10)).toBe(1_000);
  });
});

interface LogLine {
  level: number;
  msg: string;
  child?: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  delayMs?: number;
}

describe('Supervisor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'supervisor-'));
  let lines: LogLine[];
  let supervisor: Supervisor;
  const refused: string[] = [];

  beforeEach(() => {
    lines = [];
    refused.length = 0;
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        const complete = text.split('\n');
        text = complete.pop() ?? '';
        lines.push(...complete.map((line) => JSON.parse(line) as LogLine));
        done();
      },
    });
    supervisor = new Supervisor({
      log: createRootLogger('start', { level: 'info', format: 'json', destination: out }),
      timings: { firstDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000 },
      killAfterMs: 500,
      onRefused: (name) => refused.push(name),
    });
  });

  afterEach(() => supervisor.stop());

  /** A node process running `code`; it creates `<name>.ready` once its handlers are set up. */
  const node = (name: string, code: string) => ({
    name,
    command: process.execPath,
    args: ['-e', `${code}; require('fs').writeFileSync(${JSON.stringify(readyFile(name))}, '')`],
    env: process.env,
  });
  /** Nothing to poll for when proving that nothing starts: wait past the first restart's wait. */
  const sleepPastFirstWait = () => new Promise((resolve) => setTimeout(resolve, 200));
  const readyFile = (name: string) => path.join(dir, `${name}.ready`);
  const starts = (name: string) => lines.filter((line) => line.child === name && line.pid);
  const exits = (name: string) => lines.filter((line) => line.child === name && line.delayMs);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('starts a child that exits on its own again, logging its exit code and the doubling wait', async () => {
    supervisor.start(node('flaky', 'process.exit(3)'));
    await eventually(() => expect(exits('flaky').length).toBeGreaterThanOrEqual(4));
    expect(exits('flaky').slice(0, 4)).toEqual(
      [50, 100, 200, 200].map((delayMs) =>
        expect.objectContaining({
          level: 40,
          code: 3,
          signal: null,
          delayMs,
          msg: `flaky exited (code 3); starting it again in ${delayMs / 1000} s`,
        }),
      ),
    );
    expect(starts('flaky').length).toBeGreaterThanOrEqual(4);
  });

  it('starts a child killed with SIGKILL again, naming the signal, and leaves the others running', async () => {
    supervisor.start(node('worker', 'setInterval(() => undefined, 1000)'));
    supervisor.start(node('other', 'setInterval(() => undefined, 1000)'));
    await eventually(() => expect(starts('other')).toHaveLength(1));
    const [first] = await eventually(() => {
      expect(starts('worker')).toHaveLength(1);
      return starts('worker');
    });
    process.kill(first.pid!, 'SIGKILL');
    const [, second] = await eventually(() => {
      expect(starts('worker')).toHaveLength(2);
      return starts('worker');
    });
    expect(exits('worker')).toEqual([
      expect.objectContaining({
        code: null,
        signal: 'SIGKILL',
        msg: 'worker exited (signal SIGKILL); starting it again in 0.05 s',
      }),
    ]);
    expect(second.pid).not.toBe(first.pid);
    expect(alive(second.pid!)).toBe(true);
    expect(alive(starts('other')[0].pid!)).toBe(true);
    expect(exits('other')).toEqual([]);
  });

  it('stops every child with SIGTERM, lets it drain, and starts none of them again', async () => {
    const drain = `process.on('SIGTERM', () => setTimeout(() => process.exit(0), 100)); setInterval(() => undefined, 1000)`;
    supervisor.start(node('draining-a', drain));
    supervisor.start(node('draining-b', drain));
    await eventually(() => expect(existsSync(readyFile('draining-b'))).toBe(true));
    await eventually(() => expect(existsSync(readyFile('draining-a'))).toBe(true));
    const pids = [...starts('draining-a'), ...starts('draining-b')].map((line) => line.pid!);
    await supervisor.stop();
    expect(pids.filter(alive)).toEqual([]);
    await sleepPastFirstWait();
    expect(exits('draining-a')).toEqual([]);
    expect(exits('draining-b')).toEqual([]);
    expect(starts('draining-a')).toHaveLength(1);
  });

  it('kills a child that ignores SIGTERM once the drain time is over', async () => {
    supervisor.start(
      node(
        'stubborn',
        `process.on('SIGTERM', () => undefined); setInterval(() => undefined, 1000)`,
      ),
    );
    await eventually(() => expect(existsSync(readyFile('stubborn'))).toBe(true));
    const [{ pid }] = starts('stubborn');
    await supervisor.stop();
    expect(alive(pid!)).toBe(false);
    expect(starts('stubborn')).toHaveLength(1);
  });

  it('does not start again a child that refused its configuration (exit 78), and says so', async () => {
    supervisor.start(node('misconfigured', 'process.exit(78)'));
    await eventually(() => expect(refused).toEqual(['misconfigured']));
    await sleepPastFirstWait();
    expect(starts('misconfigured')).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'misconfigured refused its configuration (code 78)',
      }),
    );
  });
});
