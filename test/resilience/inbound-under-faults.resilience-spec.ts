import { randomBytes, randomInt } from 'node:crypto';
import { Role, SERVICES } from '@fidelis/contracts';
import { BATCH_SIZE } from '@fidelis/broker';
import { eventually } from '../support/eventually';
import {
  allQueueCounts,
  withPostgresStopped,
  withRabbitMqStopped,
} from '../support/infrastructure';
import { PushService, startPushService, TestSubscription } from '../support/push-service';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { startSystem, TestSystem } from '../support/system';
import { postSignedForm } from '../support/webhooks';

/**
 * Issue 6's resilience suite: a stream of inbound webhooks while one part of the system fails,
 * then recovery, then the books are checked. Routing, messaging and notification run as processes
 * of their own so that they can be killed with SIGKILL; the gateway and numbers run in this one.
 */
const MESSAGES = Number(process.env.RESILIENCE_MESSAGES ?? 2_000);
/** Webhooks started per second: the stream lasts MESSAGES / RATE seconds. */
const RATE = Number(process.env.RESILIENCE_RATE ?? 100);
/** When, into the stream, the fault starts. */
const FAULT_AFTER_MS = 4_000;
/** How long the services and the checks get to catch up after the stream. */
const RECOVERY_MS = 240_000;
const STAFF = 8;
const STUDENTS = 80;

const WORKERS = ['routing', 'messaging', 'notification'] as const;
type Worker = (typeof WORKERS)[number];

const hex = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const admin = { staffId: `admin-${hex()}`, role: 'admin' as Role };

interface Holder {
  staffId: string;
  phoneNumber: string;
  subscription: TestSubscription;
}

interface Student {
  id: string;
  phone: string;
}

/** One answer of the gateway: its status (0: no answer) and when it was asked and answered. */
interface Attempt {
  status: number;
  sentAt: number;
  answeredAt: number;
  /** Why there was no answer: the error's code (a socket's) or name (a timeout's). */
  failure?: string;
}

interface Webhook {
  messageSid: string;
  holder: Holder;
  student: Student;
  body: string;
  attempts: Attempt[];
}

let system: TestSystem;
let smtp: SmtpSink;
let pushService: PushService;
const workers = new Map<Worker, ServiceProcess>();
const holders: Holder[] = [];
const students: Student[] = [];
/** What each phase tried and what held, printed at the end. */
const report: Record<string, unknown>[] = [];

async function startWorker(service: Worker): Promise<void> {
  workers.set(
    service,
    await startServiceProcess(service, system.env, async () => {
      const response = await fetch(`${system.url}/health/ready`);
      const health = (await response.json()) as { info?: Record<string, { status: string }> };
      if (health.info?.[service]?.status !== 'up') throw new Error(`${service} is not ready`);
    }),
  );
}

/** Waits until every outbox was relayed and every event consumed, twice in a row a second apart. */
async function quiet(): Promise<void> {
  let quietChecks = 0;
  await eventually(
    async () => {
      const { rows } = await system.db.query<{ waiting: number }>(
        `SELECT (${SERVICES.map((schema) => `(SELECT count(*) FROM "${schema}".outbox)`).join(' + ')})::int AS waiting`,
      );
      const busy = [...(await allQueueCounts())].filter(
        ([name, count]) => !name.endsWith('.dlq') && count.ready + count.unacked > 0,
      );
      quietChecks = rows[0].waiting === 0 && busy.length === 0 ? quietChecks + 1 : 0;
      expect({ outboxes: rows[0].waiting, busy, quietChecks }).toEqual({
        outboxes: 0,
        busy: [],
        quietChecks: 2,
      });
    },
    { timeoutMs: RECOVERY_MS, intervalMs: 1_000 },
  );
}

async function populate(): Promise<void> {
  await system.api('PUT', `/api/staff/${admin.staffId}`, {
    as: admin,
    body: { name: 'Admin', email: 'admin@example.edu', role: 'admin' },
  });
  for (let index = 0; index < STAFF; index += 1) {
    const staffId = `coach-${hex()}`;
    const created = await system.api('PUT', `/api/staff/${staffId}`, {
      as: admin,
      body: { name: `Coach ${index}`, email: `${staffId}@example.edu`, role: 'coach' },
    });
    expect(created.status).toBe(200);
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId },
    });
    expect(bought.status).toBe(201);
    const subscription = pushService.subscribe();
    const subscribed = await system.api('POST', '/api/push/subscriptions', {
      as: { staffId, role: 'coach' },
      body: { endpoint: subscription.endpoint, keys: subscription.keys },
    });
    expect(subscribed.status).toBe(201);
    holders.push({ staffId, phoneNumber: bought.body.phoneNumber, subscription });
  }
  const prefix = `resilient-${hex()}`;
  // Phones no student of an earlier run in this database has: a shared phone is ambiguous on purpose.
  const taken = new Set(
    (
      await system.db.query<{ sms_phone: string }>(
        'SELECT sms_phone FROM numbers.students WHERE sms_phone IS NOT NULL',
      )
    ).rows.map((row) => row.sms_phone),
  );
  const phones = new Set<string>();
  while (phones.size < STUDENTS) {
    const phone = `+1415${randomInt(2_000_000, 9_000_000)}`;
    if (!taken.has(phone)) phones.add(phone);
  }
  for (const [index, phone] of [...phones].entries()) {
    students.push({ id: `${prefix}-${index}`, phone });
  }
  const imported = await system.api('POST', '/api/students/import', {
    as: admin,
    body: students.map((student, index) => ({
      id: student.id,
      name: `Student ${index}`,
      email: `${student.id}@example.edu`,
      smsPhone: student.phone,
    })),
  });
  expect(imported.status).toBe(200);
  await quiet();
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? (error as Error).name ?? String(error);
}

/** Posts one signed inbound webhook as Twilio does. */
async function post(webhook: Webhook): Promise<Attempt> {
  const sentAt = Date.now();
  try {
    const response = await postSignedForm(
      system,
      '/webhooks/twilio/sms',
      {
        MessageSid: webhook.messageSid,
        SmsSid: webhook.messageSid,
        AccountSid: system.env.TWILIO_ACCOUNT_SID ?? '',
        From: webhook.student.phone,
        To: webhook.holder.phoneNumber,
        Body: webhook.body,
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      },
      { signal: AbortSignal.timeout(15_000) },
    );
    await response.arrayBuffer();
    return { status: response.status, sentAt, answeredAt: Date.now() };
  } catch (error) {
    return { status: 0, sentAt, answeredAt: Date.now(), failure: failureOf(error) };
  }
}

/**
 * `MESSAGES` webhooks at `RATE` per second, from the students to the holders in turn. A webhook
 * not answered 200 is sent again a second later, as Twilio retries (or falls back), until it is.
 */
async function stream(phase: string): Promise<Webhook[]> {
  const webhooks: Webhook[] = Array.from({ length: MESSAGES }, (_, index) => ({
    messageSid: `SM${randomBytes(16).toString('hex')}`,
    holder: holders[index % holders.length],
    student: students[index % students.length],
    body: `${phase} ${index}: can we move our session?`,
    attempts: [],
  }));
  const start = Date.now();
  const deadline = start + MESSAGES * (1_000 / RATE) + RECOVERY_MS;
  await Promise.all(
    webhooks.map(async (webhook, index) => {
      await sleep(start + (index * 1_000) / RATE - Date.now());
      for (;;) {
        const attempt = await post(webhook);
        webhook.attempts.push(attempt);
        if (attempt.status === 200) return;
        if (Date.now() > deadline) throw new Error(`${webhook.messageSid} never accepted`);
        await sleep(1_000);
      }
    }),
  );
  return webhooks;
}

/** Every webhook stored once, with its student and the holder of its number. */
async function expectStoredOnce(webhooks: Webhook[]): Promise<Map<string, string>> {
  const sids = webhooks.map((webhook) => webhook.messageSid);
  type Row = { twilio_sid: string; id: string; staff_id: string; student_id: string; body: string };
  const rows = await eventually(
    async () => {
      const result = await system.db.query<Row>(
        `SELECT twilio_sid, id, staff_id, student_id, body
           FROM messaging.messages WHERE twilio_sid = ANY($1)`,
        [sids],
      );
      expect(result.rows.length).toBe(webhooks.length);
      return result.rows;
    },
    { timeoutMs: RECOVERY_MS, intervalMs: 1_000 },
  );
  const bySid = new Map(rows.map((row) => [row.twilio_sid, row]));
  const misfiled = webhooks.filter((webhook) => {
    const row = bySid.get(webhook.messageSid);
    return (
      row?.staff_id !== webhook.holder.staffId ||
      row.student_id !== webhook.student.id ||
      row.body !== webhook.body
    );
  });
  expect(misfiled.map((webhook) => webhook.messageSid)).toEqual([]);
  return new Map(rows.map((row) => [row.twilio_sid, row.id]));
}

/**
 * Every message pushed to its holder's browser, and only there, under a topic naming it. Returns
 * how many pushes were repeats (a push in flight when the notifier died is sent again).
 */
async function expectNotifiedOnce(
  webhooks: Webhook[],
  messageIds: Map<string, string>,
): Promise<number> {
  const ids = new Set(messageIds.values());
  const pushesOf = () => {
    const byMessage = new Map<string, { endpoint: string; topic: unknown }[]>();
    for (const push of pushService.pushes) {
      const messageId = (push.payload as { messageId?: string } | null)?.messageId;
      if (push.status !== 201 || !messageId || !ids.has(messageId)) continue;
      byMessage.set(messageId, [
        ...(byMessage.get(messageId) ?? []),
        { endpoint: push.endpoint, topic: push.headers.topic },
      ]);
    }
    return byMessage;
  };
  await eventually(() => expect(pushesOf().size).toBe(ids.size), {
    timeoutMs: RECOVERY_MS,
    intervalMs: 1_000,
  });
  const pushes = pushesOf();
  const wrong = webhooks.filter((webhook) => {
    const messageId = messageIds.get(webhook.messageSid)!;
    return (pushes.get(messageId) ?? []).some(
      (push) =>
        push.endpoint !== webhook.holder.subscription.endpoint ||
        push.topic !== messageId.replace(/-/g, ''),
    );
  });
  expect(wrong.map((webhook) => webhook.messageSid)).toEqual([]);
  const { rows } = await system.db.query<{ undone: number }>(
    `SELECT count(*)::int AS undone FROM notification.inbound_notifications
      WHERE message_id = ANY($1::uuid[]) AND done_at IS NULL`,
    [[...ids]],
  );
  expect(rows[0].undone).toBe(0);
  expect(smtp.mails).toEqual([]); // everyone has a working subscription: no email fallback
  return [...pushes.values()].reduce((sum, list) => sum + list.length - 1, 0);
}

async function expectNothingDeadLettered(): Promise<void> {
  await quiet();
  const dead = [...(await allQueueCounts())].filter(
    ([name, count]) => name.endsWith('.dlq') && count.ready + count.unacked > 0,
  );
  expect(dead).toEqual([]);
}

interface Phase {
  name: string;
  fault: () => Promise<void>;
  /** Whether a push may be sent twice (its answer lost with the process or the database). */
  pushMayRepeat: boolean;
  /** When the gateway could not store anything: no 200 may have been answered in it. */
  outage?: () => { from: number; to: number } | undefined;
}

const killed =
  (service: Worker): Phase['fault'] =>
  async () => {
    await workers.get(service)!.kill();
    await sleep(5_000);
    await startWorker(service);
  };

/**
 * A restart as an orchestrator does it: each worker gets SIGTERM; it lets its running handlers
 * finish and publishes what they committed before it exits, so its outbox holds nothing for the
 * next instance's relay, and no push is sent twice.
 */
const restartedOnPurpose: Phase['fault'] = async () => {
  await Promise.all(
    WORKERS.map(async (service) => {
      await workers.get(service)!.stop();
      const { rows } = await system.db.query<{ left: number }>(
        `SELECT count(*)::int AS left FROM "${service}".outbox`,
      );
      expect({ service, left: rows[0].left }).toEqual({ service, left: 0 });
    }),
  );
  await sleep(5_000);
  await Promise.all(WORKERS.map((service) => startWorker(service)));
};

let postgresOutage: { from: number; to: number } | undefined;

const PHASES: Phase[] = [
  { name: 'kill -9 routing', fault: killed('routing'), pushMayRepeat: false },
  { name: 'kill -9 messaging', fault: killed('messaging'), pushMayRepeat: false },
  { name: 'kill -9 notification', fault: killed('notification'), pushMayRepeat: true },
  {
    name: 'SIGTERM of routing, messaging and notification',
    fault: restartedOnPurpose,
    pushMayRepeat: false,
  },
  {
    name: 'RabbitMQ stopped and started',
    fault: () => withRabbitMqStopped(() => sleep(5_000)),
    pushMayRepeat: false,
  },
  {
    name: 'Postgres stopped for 10 s',
    fault: () =>
      withPostgresStopped(async () => {
        const from = Date.now();
        await sleep(10_000);
        postgresOutage = { from, to: Date.now() };
      }),
    pushMayRepeat: true,
    outage: () => postgresOutage,
  },
];

beforeAll(async () => {
  smtp = await startSmtpSink();
  pushService = await startPushService();
  system = await startSystem({ env: { SMTP_URL: smtp.url }, without: [...WORKERS] });
  await Promise.all(WORKERS.map((service) => startWorker(service)));
  await populate();
}, 300_000);

afterAll(async () => {
  for (const worker of workers.values()) await worker.stop();
  await system?.close();
  await smtp?.close();
  await pushService?.close();
  process.stdout.write(`resilience report:\n${report.map((r) => JSON.stringify(r)).join('\n')}\n`);
});

describe.each(PHASES)('a stream of inbound SMS through $name', (phase) => {
  it('stores every message once, pushes it to its holder, leaves nothing dead-lettered, and never answers 200 without storing', async () => {
    const streaming = stream(phase.name);
    await sleep(FAULT_AFTER_MS);
    const faultStarted = Date.now();
    await phase.fault();
    const faultMs = Date.now() - faultStarted;
    const webhooks = await streaming;

    const messageIds = await expectStoredOnce(webhooks);
    const repeatedPushes = await expectNotifiedOnce(webhooks, messageIds);
    await expectNothingDeadLettered();

    const attempts = webhooks.flatMap((webhook) => webhook.attempts);
    const refused = attempts.filter((attempt) => attempt.status !== 200);
    const outage = phase.outage?.();
    if (outage) {
      // Nothing can be stored while Postgres is down: every answer inside the outage is a refusal.
      const inOutage = attempts.filter(
        (attempt) => attempt.sentAt >= outage.from && attempt.answeredAt <= outage.to,
      );
      expect(inOutage.length).toBeGreaterThan(0);
      expect(inOutage.filter((attempt) => attempt.status === 200)).toEqual([]);
      expect(refused.every((attempt) => attempt.status >= 500 || attempt.status === 0)).toBe(true);
    } else {
      // The intake needs only Postgres: with it up, every webhook is accepted the first time.
      expect(refused).toEqual([]);
    }
    if (phase.pushMayRepeat) expect(repeatedPushes).toBeLessThanOrEqual(BATCH_SIZE);
    else expect(repeatedPushes).toBe(0);

    const ready = await fetch(`${system.url}/health/ready`);
    expect(ready.status).toBe(200);
    report.push({
      phase: phase.name,
      messages: webhooks.length,
      faultMs,
      refusedAnswers: refused.length,
      refusedStatuses: [...new Set(refused.map((attempt) => attempt.status))],
      unanswered: countBy(refused.flatMap((attempt) => attempt.failure ?? [])),
      storedOnce: messageIds.size,
      repeatedPushes,
      deadLettered: 0,
    });
  });
});
