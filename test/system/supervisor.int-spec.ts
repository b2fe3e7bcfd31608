import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { Role, ServiceName } from '@fidelis/contracts';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { eventually } from '../support/eventually';
import { DATABASE_URL, RABBITMQ_URL } from '../support/infrastructure';
import { PushService, startPushService, TestSubscription } from '../support/push-service';
import { freePort } from '../support/free-port';
import { LogLine, NpmStart, npmStart, withoutTwilioAccount } from '../support/npm-start';
import { ApiOptions, callApi, withholdUsedNumbers } from '../support/system';
import { postSignedForm } from '../support/webhooks';

/**
 * Issue 14: the system started as `npm start` starts it — tools/start/start.ts as a process of its
 * own, running the emulator and the five services as its children under the supervisor — and each
 * service killed with SIGKILL in turn, while students keep replying. Nothing helps it back up.
 */
const ROOT = path.resolve(__dirname, '../..');
const KILLED_IN_TURN: ServiceName[] = [
  'routing',
  'messaging',
  'notification',
  'numbers',
  'gateway',
];
/** Replies sent while each service is down. */
const REPLIES = 5;
const BACK_WITHIN_MS = 10_000;

interface Reply {
  messageSid: string;
  body: string;
  /** Each answer of the gateway (0: no answer), in order. */
  statuses: number[];
  acceptedAt?: number;
}

const hex = () => randomBytes(4).toString('hex');
const admin = { staffId: `admin-${hex()}`, role: 'admin' as Role };
const coach = { staffId: `coach-${hex()}`, role: 'coach' as Role };
const studentId = `student-${hex()}`;

let system: NpmStart;
/** What the system printed: JSON lines. */
let lines: LogLine[] = [];
let url: string;
let db: Pool;
let pushService: PushService;
let subscription: TestSubscription;
let coachNumber: string;
let studentPhone: string;
const report: Record<string, unknown>[] = [];

const api = (method: string, route: string, options?: ApiOptions) =>
  callApi(url, method, route, options);

/** The supervisor's latest "started" line of `name`: its pid. */
function pidOf(name: string): number {
  const started = lines.filter(
    (line) => line.service === 'start' && line.child === name && line.pid,
  );
  if (started.length === 0) throw new Error(`${name} was never started`);
  return started[started.length - 1].pid!;
}

/** When the supervisor started `name` again after `since`, and when the service said it had booted. */
function restartTimes(name: ServiceName, since: number): Record<string, number | undefined> {
  const respawned = lines.find(
    (line) =>
      line.service === 'start' && line.child === name && line.pid && Date.parse(line.time) > since,
  );
  const booted = serviceStartedAfter(name, since);
  return {
    respawnedAfterMs: respawned && Date.parse(respawned.time) - since,
    bootedAfterMs: booted && booted - since,
  };
}

/** When the service itself logged that it started, after `since`. */
function serviceStartedAfter(service: ServiceName, since: number): number | undefined {
  const line = lines.find(
    (entry) =>
      entry.service === service &&
      entry.msg === `${service} started` &&
      Date.parse(entry.time) > since,
  );
  return line && Date.parse(line.time);
}

async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Posts a student's reply as Twilio does, again every 250 ms (Twilio's retry) until it is 200 (30 s at most). */
async function reply(phase: string, index: number): Promise<Reply> {
  const sent: Reply = {
    messageSid: `SM${randomBytes(16).toString('hex')}`,
    body: `${phase} ${index}: running late`,
    statuses: [],
  };
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await postSignedForm(
        { url, env: { TWILIO_AUTH_TOKEN: EMULATOR_AUTH_TOKEN } },
        '/webhooks/twilio/sms',
        {
          MessageSid: sent.messageSid,
          AccountSid: EMULATOR_ACCOUNT_SID,
          From: studentPhone,
          To: coachNumber,
          Body: sent.body,
          NumMedia: '0',
        },
        { signal: AbortSignal.timeout(15_000) },
      );
      await response.arrayBuffer();
      sent.statuses.push(response.status);
      if (response.ok) {
        sent.acceptedAt = Date.now();
        return sent;
      }
    } catch {
      sent.statuses.push(0);
    }
    if (Date.now() > giveUpAt)
      throw new Error(`${sent.messageSid} never accepted: ${sent.statuses.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Each reply stored once, for the coach and the student, and pushed once to the coach's browser. */
async function expectStoredAndAnnouncedOnce(replies: Reply[]): Promise<void> {
  const sids = replies.map((sent) => sent.messageSid);
  const rows = await eventually(
    async () => {
      const { rows } = await db.query<{
        id: string;
        twilio_sid: string;
        staff_id: string;
        student_id: string;
        body: string;
      }>(
        `SELECT id, twilio_sid, staff_id, student_id, body FROM messaging.messages
          WHERE twilio_sid = ANY($1) ORDER BY twilio_sid`,
        [sids],
      );
      expect(rows).toHaveLength(replies.length);
      return rows;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect(
    rows.map(({ twilio_sid, staff_id, student_id, body }) => [
      twilio_sid,
      staff_id,
      student_id,
      body,
    ]),
  ).toEqual(
    [...replies]
      .sort((a, b) => a.messageSid.localeCompare(b.messageSid))
      .map((sent) => [sent.messageSid, coach.staffId, studentId, sent.body]),
  );
  const ids = rows.map((row) => row.id);
  const pushesOf = (id: string) =>
    pushService
      .delivered(subscription)
      .filter((push) => (push.payload as { messageId?: string }).messageId === id);
  await eventually(() => expect(ids.filter((id) => pushesOf(id).length === 0)).toEqual([]), {
    timeoutMs: 30_000,
    intervalMs: 250,
  });
  expect(ids.map((id) => pushesOf(id).length)).toEqual(ids.map(() => 1));
}

beforeAll(async () => {
  db = new Pool({ connectionString: DATABASE_URL, max: 2 });
  pushService = await startPushService();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // No Twilio account: `npm start` runs the bundled emulator, as on a new machine.
  const env = withoutTwilioAccount({
    ...process.env,
    DATABASE_URL,
    RABBITMQ_URL,
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    TWILIO_EMULATOR_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    NODE_EXTRA_CA_CERTS: path.join(ROOT, 'test/support/push-service.crt'),
  });
  system = npmStart(env);
  lines = system.lines;
  await eventually(
    () =>
      expect(lines.map((line) => line.msg)).toContainEqual(
        expect.stringMatching(/^Fidelis SMS is ready/),
      ),
    { timeoutMs: 90_000, intervalMs: 250 },
  );

  await withholdUsedNumbers(`http://127.0.0.1:${env.TWILIO_EMULATOR_PORT}`);
  const taken = new Set(
    (await db.query<{ sms_phone: string }>('SELECT sms_phone FROM numbers.students')).rows.map(
      (row) => row.sms_phone,
    ),
  );
  do studentPhone = `+1415${randomInt(2_000_000, 9_000_000)}`;
  while (taken.has(studentPhone));

  const staff = await api('PUT', `/api/staff/${coach.staffId}`, {
    as: admin,
    body: { name: 'Coach', email: `${coach.staffId}@example.edu`, role: 'coach' },
  });
  expect(staff.status).toBe(200);
  const bought = await api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '415', staffId: coach.staffId },
  });
  expect(bought.status).toBe(201);
  coachNumber = bought.body.phoneNumber;
  const student = await api('PUT', `/api/students/${studentId}`, {
    as: admin,
    body: { name: 'Ada Student', smsPhone: studentPhone },
  });
  expect(student.status).toBe(200);
  subscription = pushService.subscribe();
  const subscribed = await api('POST', '/api/push/subscriptions', {
    as: coach,
    body: { endpoint: subscription.endpoint, keys: subscription.keys },
  });
  expect(subscribed.status).toBe(201);
  // Routing and notification learn the student, the holder and the subscription from events.
  await eventually(
    async () => {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM routing.students WHERE student_id = $1)::int AS student,
                (SELECT count(*) FROM routing.number_assignments
                  WHERE staff_id = $2 AND started_at IS NOT NULL)::int AS holder,
                (SELECT count(*) FROM notification.push_subscriptions WHERE staff_id = $2)::int
                  AS subscription`,
        [studentId, coach.staffId],
      );
      expect(rows[0]).toEqual({ student: 1, holder: 1, subscription: 1 });
    },
    { timeoutMs: 30_000 },
  );
}, 150_000);

afterAll(async () => {
  // SIGTERM, so the supervisor stops its children too: a SIGKILL here left them running
  // (and connecting to the broker) whenever a test had failed before the one that stops it.
  await system?.stop();
  await pushService?.close();
  await db?.end();
  process.stdout.write(`supervisor report:\n${report.map((r) => JSON.stringify(r)).join('\n')}\n`);
});

/** The supervisor's restart lines of `service` logged since `since`. */
function restartsSince(service: ServiceName, since: number): LogLine[] {
  return lines.filter(
    (line) =>
      line.service === 'start' &&
      line.child === service &&
      line.delayMs !== undefined &&
      Date.parse(line.time) >= since,
  );
}

/** Waits (30 s at most) until every service answers /health/ready; how long after `since`. */
async function readyAgainAfter(since: number): Promise<number> {
  await eventually(async () => expect((await readiness()).status).toBe(200), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  return Date.now() - since;
}

describe('the system under npm start, each service killed with SIGKILL in turn', () => {
  describe.each(KILLED_IN_TURN.filter((service) => service !== 'gateway'))('%s', (service) => {
    it('is killed while webhooks keep being answered 200, is back within 10 s without help, and every reply is stored and announced once', async () => {
      const killedAt = Date.now();
      process.kill(pidOf(service), 'SIGKILL');

      const replies = await Promise.all(
        Array.from({ length: REPLIES }, (_, index) => reply(`${service} down`, index)),
      );
      expect(replies.map((sent) => sent.statuses)).toEqual(replies.map(() => [200]));
      // The replies were accepted while the killed service was still away.
      expect(serviceStartedAfter(service, killedAt) ?? Infinity).toBeGreaterThan(
        Math.max(...replies.map((sent) => sent.acceptedAt!)),
      );

      const readyMs = await readyAgainAfter(killedAt);
      report.push({
        killed: service,
        ...restartTimes(service, killedAt),
        readyAgainMs: readyMs,
        replies: replies.length,
      });
      expect(readyMs).toBeLessThanOrEqual(BACK_WITHIN_MS);
      await expectStoredAndAnnouncedOnce(replies);
      expect(restartsSince(service, killedAt)).toEqual([
        expect.objectContaining({
          code: null,
          signal: 'SIGKILL',
          delayMs: 500,
          msg: `${service} exited (signal SIGKILL); starting it again in 0.5 s`,
        }),
      ]);
    });

    it('waits 1 s, then 2 s as it keeps failing, and is named by /health/ready while it is away', async () => {
      // Up for less than 30 s since the last kill: not yet healthy, so each wait doubles.
      const killedAt = Date.now();
      const first = pidOf(service);
      process.kill(first, 'SIGKILL');
      const second = await eventually(() => {
        expect(pidOf(service)).not.toBe(first);
        return pidOf(service);
      });
      process.kill(second, 'SIGKILL'); // before it has booted
      const notReady = await readiness();
      expect(serviceStartedAfter(service, killedAt)).toBeUndefined();
      expect(notReady.status).toBe(503);
      expect(Object.keys(notReady.body.error as object)).toEqual([service]);
      expect(notReady.body.error).toEqual({
        [service]: expect.objectContaining({ status: 'down' }),
      });

      await readyAgainAfter(killedAt);
      expect(restartsSince(service, killedAt).map((line) => [line.signal, line.delayMs])).toEqual([
        ['SIGKILL', 1_000],
        ['SIGKILL', 2_000],
      ]);
    });
  });

  it('answers webhooks again within seconds once the gateway itself was killed, and stores and announces every retried reply once', async () => {
    const killedAt = Date.now();
    process.kill(pidOf('gateway'), 'SIGKILL');

    const replies = await Promise.all(
      Array.from({ length: REPLIES }, (_, index) => reply('gateway down', index)),
    );
    const acceptedAgainMs = Math.min(...replies.map((sent) => sent.acceptedAt!)) - killedAt;
    const readyMs = await readyAgainAfter(killedAt);
    report.push({
      killed: 'gateway',
      ...restartTimes('gateway', killedAt),
      acceptedAgainMs,
      readyAgainMs: readyMs,
      attempts: replies.map((sent) => sent.statuses.length),
    });
    expect(acceptedAgainMs).toBeLessThan(BACK_WITHIN_MS);
    expect(readyMs).toBeLessThanOrEqual(BACK_WITHIN_MS);
    // Refused while the gateway was away (no answer), then accepted: Twilio's retry got through.
    expect(replies.every((sent) => sent.statuses[0] === 0)).toBe(true);
    expect(replies.map((sent) => sent.statuses.at(-1))).toEqual(replies.map(() => 200));
    await expectStoredAndAnnouncedOnce(replies);
  });

  it('stops every process on SIGTERM with the drain, starting none of them again, and logged JSON lines only', async () => {
    const children = ['twilio-emulator', ...KILLED_IN_TURN].map(pidOf);
    system.process.kill('SIGTERM');
    expect(await system.exited).toBe(0);
    const stopping = lines.findIndex((line) => line.service === 'start' && line.msg === 'stopping');
    expect(stopping).toBeGreaterThan(-1);
    const afterStop = lines.slice(stopping).filter((line) => line.service === 'start');
    expect(afterStop.map((line) => line.msg)).toEqual(['stopping', 'stopped']);
    const alive = children.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(system.notJson).toEqual([]);
  });
});
