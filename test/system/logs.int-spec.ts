import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import * as amqp from 'amqplib';
import { Pool } from 'pg';
import { Role } from '@fidelis/contracts';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { eventually } from '../support/eventually';
import { DATABASE_URL, RABBITMQ_URL } from '../support/infrastructure';
import { freePort } from '../support/free-port';
import { NpmStart, npmStart, withoutTwilioAccount } from '../support/npm-start';
import { ApiOptions, callApi, withholdUsedNumbers } from '../support/system';
import { postSignedForm } from '../support/webhooks';

/**
 * Logs tell no secrets: the whole system runs as `npm start` runs it (every service, the emulator
 * and the supervisor as processes, their stdout one JSON line per entry), through sends, replies,
 * a bulk, an opt-out, an unknown sender, and failures that log warnings and errors (Twilio down,
 * a destination that fails, a forged and a malformed webhook, an event that cannot be handled).
 * Then no line at info or above holds a full phone number or any message text.
 */
const ROOT = path.resolve(__dirname, '../..');
const hex = () => randomBytes(4).toString('hex');
const admin = { staffId: `admin-${hex()}`, role: 'admin' as Role };
const coach = { staffId: `coach-${hex()}`, role: 'coach' as Role };
/** Words that appear nowhere but in the message texts of this run. */
const secretText = (label: string) => `${label} zebracorn-${hex()} meet me by the gym at 5`;

interface Line {
  level: number;
  service: string;
  msg: string;
  raw: string;
}

let system: NpmStart;
let url: string;
let emulatorUrl: string;
let db: Pool;
const lines: Line[] = [];
const phones: string[] = [];
const texts: string[] = [];

const api = (method: string, route: string, options?: ApiOptions) =>
  callApi(url, method, route, options);
const emulator = (route: string, body: object) =>
  fetch(`${emulatorUrl}/_emulator${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

function newPhone(): string {
  const phone = `+1415${randomInt(2_000_000, 9_000_000)}`;
  phones.push(phone);
  return phone;
}

async function send(studentId: string, label: string): Promise<string> {
  const body = secretText(label);
  texts.push(body);
  const sent = await api('POST', '/api/messages', { as: coach, body: { studentId, body } });
  expect(sent.status).toBe(202);
  return sent.body.id as string;
}

async function reply(from: string, to: string, label: string): Promise<void> {
  const body = secretText(label);
  texts.push(body);
  const sent = await emulator('/inbound', { from, to, body });
  expect(sent.status).toBe(200);
}

async function settled(messageId: string, statuses: string[]): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await db.query<{ status: string; fallback: { status: string } | null }>(
        'SELECT status, fallback FROM messaging.messages WHERE id = $1',
        [messageId],
      );
      expect(statuses).toContain(rows[0]?.fallback?.status ?? rows[0]?.status);
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

beforeAll(async () => {
  db = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const emulatorPort = await freePort();
  emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  system = npmStart(
    withoutTwilioAccount({
      ...process.env,
      DATABASE_URL,
      RABBITMQ_URL,
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      TWILIO_EMULATOR_PORT: String(emulatorPort),
      // Everything at info and above, as in production.
      LOG_LEVEL: 'info',
      QUIET_HOURS: 'off',
      NODE_EXTRA_CA_CERTS: path.join(ROOT, 'test/support/push-service.crt'),
    }),
    { keepStderr: true },
  );
  await eventually(
    () =>
      expect(system.lines.map((line) => line.msg)).toContainEqual(
        expect.stringMatching(/^Fidelis SMS is ready/),
      ),
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  await withholdUsedNumbers(emulatorUrl);
}, 150_000);

afterAll(async () => {
  await system?.stop();
  await db?.end();
});

it('logs no phone number and no message text at info and above, failures included', async () => {
  for (const staff of [admin, coach]) {
    const put = await api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: {
        name: `Staff ${staff.staffId}`,
        email: `${staff.staffId}@example.edu`,
        role: staff.role,
      },
    });
    expect(put.status).toBe(200);
  }
  const students = ['maya', 'noah', 'omar', 'pia'].map((name) => ({
    id: `${name}-${hex()}`,
    phone: newPhone(),
  }));
  const [maya, noah, omar, pia] = students;
  for (const student of students) {
    const put = await api('PUT', `/api/students/${student.id}`, {
      as: admin,
      body: {
        name: `Student ${student.id}`,
        email: `${student.id}@example.edu`,
        smsPhone: student.phone,
      },
    });
    expect(put.status).toBe(200);
  }
  const bought = await api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '415', staffId: coach.staffId },
  });
  expect(bought.status).toBe(201);
  const number = bought.body.phoneNumber as string;
  phones.push(number);

  // The happy path: a send each way, and a bulk.
  await settled(await send(maya.id, 'one-to-one'), ['delivered']);
  await reply(maya.phone, number, 'reply');
  const bulkText = secretText('bulk {{firstName}}');
  texts.push(bulkText.replace(' {{firstName}}', ''));
  const bulk = await api('POST', '/api/messages/bulk', {
    as: coach,
    body: { studentIds: [maya.id, noah.id], body: bulkText },
  });
  expect(bulk.status).toBe(202);

  // An unknown sender, and an opt-out followed by a send (emailed instead).
  await reply(newPhone(), number, 'stranger');
  expect((await emulator('/inbound', { from: omar.phone, to: number, body: 'STOP' })).status).toBe(
    200,
  );
  await eventually(async () => {
    const { rows } = await db.query(
      'SELECT 1 FROM messaging.opt_outs WHERE student_phone = $1 AND opted_out',
      [omar.phone],
    );
    expect(rows).toHaveLength(1);
  });
  await settled(await send(omar.id, 'after stop'), ['sent', 'failed']);

  // Failures: a destination whose texts fail (emailed instead, the coach told), and Twilio
  // unavailable for a while (the send waits and goes).
  expect(
    (
      await emulator('/destinations', {
        phoneNumber: pia.phone,
        status: 'failed',
        errorCode: 30003,
      })
    ).status,
  ).toBe(201);
  await settled(await send(pia.id, 'to a failing phone'), ['sent', 'failed']);
  expect(
    (await emulator('/faults', { kind: 'unauthorized', count: 1, to: noah.phone })).status,
  ).toBe(201);
  await settled(await send(noah.id, 'through an outage'), ['delivered']);

  // A forged webhook, a signed form that is not a message, and an event no one can handle.
  texts.push(secretText('forged'));
  const forged = await postSignedForm(
    { url, env: { TWILIO_AUTH_TOKEN: EMULATOR_AUTH_TOKEN } },
    '/webhooks/twilio/sms',
    {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      From: maya.phone,
      To: number,
      Body: secretText('forged'),
    },
    { token: 'not-the-token' },
  );
  expect(forged.status).toBe(403);
  texts.push(secretText('malformed'));
  const malformed = await postSignedForm(
    { url, env: { TWILIO_AUTH_TOKEN: EMULATOR_AUTH_TOKEN } },
    '/webhooks/twilio/sms',
    {
      AccountSid: EMULATOR_ACCOUNT_SID,
      From: maya.phone,
      To: number,
      Body: texts[texts.length - 1],
    },
  );
  expect(malformed.status).toBe(400);
  const invalidText = secretText('invalid event');
  texts.push(invalidText);
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createConfirmChannel();
  channel.publish(
    'fidelis.events',
    'gateway.sms-received.v1',
    Buffer.from(
      JSON.stringify({
        eventId: 'not-a-uuid',
        type: 'SmsReceived',
        payload: { from: maya.phone, to: number, body: invalidText },
      }),
    ),
    { persistent: true, messageId: `bad-${hex()}`, contentType: 'application/json' },
  );
  await channel.waitForConfirms();
  await connection.close();

  const bulkId = bulk.body.bulkId as string;
  await eventually(
    async () => {
      const progress = await api('GET', `/api/messages/bulk/${bulkId}`, { as: coach });
      expect(progress.body.done).toBe(true);
      const messages = system.lines.map((line) => line.msg);
      expect(messages).toContain('invalid message, dead-lettered');
      expect(messages).toContain('Twilio is unavailable; the send waits and is tried again');
      expect(messages).toContain('no working push subscription: emailed');
      expect(messages).toContain('notified');
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  // Whatever the last steps still log.
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  for (const line of system.lines as unknown as Record<string, unknown>[]) {
    lines.push({
      level: Number(line.level),
      service: String(line.service),
      msg: String(line.msg),
      raw: JSON.stringify(line),
    });
  }
  const loud = lines.filter((line) => line.level >= 30);
  expect(loud.some((line) => line.level >= 50)).toBe(true); // the failure path logged errors
  const national = (phone: string) => phone.replace(/^\+1/, '');
  const leaks = loud.flatMap((line) => [
    ...phones
      .filter((phone) => line.raw.includes(phone) || line.raw.includes(national(phone)))
      .map((phone) => ({ phone, line: line.raw })),
    ...texts
      .flatMap((text) => text.match(/zebracorn-[0-9a-f]{8}/g) ?? [])
      .filter((word) => line.raw.includes(word))
      .map((word) => ({ text: word, line: line.raw })),
  ]);
  expect(leaks).toEqual([]);
  // The masked form is there: the lines still tell the numbers apart.
  expect(
    loud.some((line) => line.raw.includes(`${maya.phone.slice(0, 5)}***${maya.phone.slice(-4)}`)),
  ).toBe(true);
  expect(system.notJson).toEqual([]);
  // Nothing else reached stderr that could hold either (the whole of it, whatever its level).
  const stderr = system.stderr.join('\n');
  for (const phone of phones) expect(stderr).not.toContain(phone);
  expect(stderr).not.toMatch(/zebracorn-/);
}, 240_000);
