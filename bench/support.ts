import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { BenchSystem } from './system';

/** Keep-alive connections for the load generator (fetch costs the client more CPU per request). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

export interface HttpAnswer {
  status: number;
  body: string;
}

type RequestOptions = { method?: string; headers?: Record<string, string>; body?: string };

/**
 * One HTTP request over the shared keep-alive agent. A kept-alive socket the server closed just
 * as the request went out (`ECONNRESET` before any answer) is tried again once on a connection of
 * its own — another idle socket of the pool may be closing too — as Node's documentation advises
 * and as Twilio would retry.
 */
export async function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  try {
    return await requestOnce(url, options);
  } catch (error) {
    const { code, reusedSocket } = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
    if (code === 'ECONNRESET' && reusedSocket) return requestOnce(url, options, false);
    throw error;
  }
}

function requestOnce(
  url: string,
  options: RequestOptions,
  via: http.Agent | false = agent,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: via },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(options.body);
  });
}

/** The value below which `p` (0–1) of `values` lie (nearest rank), rounded to 0.1. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[index] * 10) / 10;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface LoadOptions {
  /** Requests in flight at most. */
  concurrency: number;
  /** Requests started per second (open loop); unset: as fast as `concurrency` allows. */
  rate?: number;
}

export interface LoadResult {
  /** Per request: when it was sent (performance.now()) and how long its answer took (ms). */
  sentAt: Float64Array;
  latencyMs: Float64Array;
  /** Answers by HTTP status, or by error code when there was no answer (ECONNRESET…). */
  statuses: Record<string, number>;
  startedAt: number;
  endedAt: number;
}

/**
 * Sends `count` requests, request `i` made by `send(i)`, at most `concurrency` at a time and, with a
 * rate, each no earlier than its slot `start + i / rate` (a late one is sent at once, and its
 * latency counts from when it was actually sent).
 */
export async function drive(
  count: number,
  options: LoadOptions,
  send: (index: number) => Promise<number>,
): Promise<LoadResult> {
  const sentAt = new Float64Array(count);
  const latencyMs = new Float64Array(count);
  const statuses: Record<string, number> = {};
  const startedAt = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      if (options.rate) {
        const due = startedAt + (index * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
      }
      const sent = performance.now();
      sentAt[index] = sent;
      let status: number | string;
      try {
        status = await send(index);
      } catch (error) {
        status = (error as NodeJS.ErrnoException).code ?? String(error);
      }
      latencyMs[index] = performance.now() - sent;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  return { sentAt, latencyMs, statuses, startedAt, endedAt: performance.now() };
}

/** A run-unique prefix for ids, so that parts and runs never collide in the bench database. */
export function runId(): string {
  return randomBytes(3).toString('hex');
}

export function bearer(system: BenchSystem, staffId: string, role: string) {
  return {
    Authorization: `Bearer ${system.token(staffId, role)}`,
    'Content-Type': 'application/json',
  };
}

async function api(
  system: BenchSystem,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<unknown> {
  const answer = await request(`${system.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.body}`);
  return answer.body ? (JSON.parse(answer.body) as unknown) : undefined;
}

export interface BenchStaff {
  id: string;
  phoneNumber: string;
}

export interface BenchStudent {
  id: string;
  phone: string;
}

export interface Population {
  admin: string;
  staff: BenchStaff[];
  students: BenchStudent[];
}

let staleReleased = false;

/**
 * The emulator the bench starts forgets its numbers, so it hands out the same ones again: the
 * numbers a previous run left active in the bench database are released first (Twilio's 404
 * counts as released). Not done to a system at BENCH_URL.
 */
async function releaseStaleNumbers(system: BenchSystem, headers: Record<string, string>) {
  if (staleReleased || process.env.BENCH_URL) return;
  staleReleased = true;
  const numbers = (await api(system, 'GET', '/api/numbers', undefined, headers)) as {
    id: string;
    status: string;
  }[];
  for (const { id } of numbers.filter((n) => n.status === 'active')) {
    await api(system, 'DELETE', `/api/numbers/${id}`, undefined, headers);
  }
}

/**
 * Through the API, as the platform would: an admin, `staffCount` coaches each holding a number
 * bought at the emulator, and `studentCount` students with SMS phones of their own (one import).
 */
export async function populate(
  system: BenchSystem,
  prefix: string,
  staffCount: number,
  studentCount: number,
): Promise<Population> {
  const admin = `${prefix}-admin`;
  const headers = bearer(system, admin, 'admin');
  await api(
    system,
    'PUT',
    `/api/staff/${admin}`,
    { name: 'Bench admin', email: `${admin}@example.edu`, role: 'admin' },
    headers,
  );
  await releaseStaleNumbers(system, headers);
  const staff: BenchStaff[] = [];
  for (let i = 0; i < staffCount; i += 1) {
    const id = `${prefix}-coach-${i}`;
    await api(
      system,
      'PUT',
      `/api/staff/${id}`,
      { name: `Coach ${i}`, email: `${id}@example.edu`, role: 'coach' },
      headers,
    );
    const number = (await api(
      system,
      'POST',
      '/api/numbers',
      { areaCode: '415', staffId: id },
      headers,
    )) as { phoneNumber: string };
    staff.push({ id, phoneNumber: number.phoneNumber });
  }
  // Phones of their own per run: +1 628 followed by seven digits from a random base.
  const base = 2_000_000 + Math.floor(Math.random() * (7_000_000 - studentCount));
  const students = Array.from({ length: studentCount }, (_, i) => ({
    id: `${prefix}-student-${i}`,
    phone: `+1628${base + i}`,
  }));
  for (let from = 0; from < studentCount; from += 10_000) {
    await api(
      system,
      'POST',
      '/api/students/import',
      students.slice(from, from + 10_000).map(({ id, phone }, i) => ({
        id,
        name: `Student ${from + i}`,
        email: `${id}@example.edu`,
        smsPhone: phone,
        timezone: 'America/Los_Angeles',
      })),
      headers,
    );
  }
  return { admin, staff, students };
}
