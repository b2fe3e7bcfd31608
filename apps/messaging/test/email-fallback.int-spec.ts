import { createServer, type Server } from 'node:net';
import * as amqp from 'amqplib';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { RABBITMQ_URL } from '../../../test/support/infrastructure';
import { readMail } from '../../../test/support/mail-text';
import { SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink';
import { startSystem, TestSystem } from '../../../test/support/system';
import {
  addStudents,
  hex,
  newStaff,
  reserveKnownNumbers,
  sendsTo,
  StaffWithNumber,
  studentRow,
  TestStudent,
} from './support/sending-fixtures';
import { freePort } from '../../../test/support/free-port';

// The SMTP server's port is chosen first and nothing listens on it: the system starts with its
// mail server down. The tests start one there later.
let port: number;
let system: TestSystem;
let smtp: SmtpSink | undefined;
let staff: StaffWithNumber;

const REFUSED = 'refused';
const DEFERRED = 'deferred';

beforeAll(async () => {
  port = await freePort();
  system = await startSystem({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  await reserveKnownNumbers(system);
  staff = await newStaff(system);
}, 120_000);

afterAll(async () => {
  await system?.close();
  await smtp?.close();
});

/** A server on the SMTP port that drops every connection at once (reset): the outage goes on. */
async function droppingConnections(): Promise<{
  connections: () => number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const send = async (student: TestStudent, body: string) => {
  const response = await system.api('POST', '/api/messages', {
    as: staff.as,
    body: { studentId: student.id, body },
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
};

async function fallbacks(ids: string[]) {
  const { rows } = await system.db.query<{ id: string; status: string; attempts: number }>(
    `SELECT id, fallback->>'status' AS status, fallback_attempts AS attempts
       FROM messaging.messages WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [ids],
  );
  return rows;
}

describe('the SMTP server down for a while', () => {
  it('keeps every email that falls back meanwhile, and sends each once when it is back', async () => {
    // Three students without an SMS phone: each message falls back to email at once.
    const students = [1, 2, 3].map(() => studentRow({ smsPhone: null }));
    // One with neither: the sender is told by email (notification service).
    const nowhere = studentRow({ smsPhone: null, email: null });
    // One who texts the staff member, who has no push subscription: emailed (notification).
    const texting = studentRow();
    await addStudents(system, [...students, nowhere, texting]);
    const ids = await Promise.all(students.map((student, i) => send(student, `outage ${i}`)));
    await send(nowhere, 'nowhere to go');
    const reply = await system.emulator.control('/inbound', {
      from: texting.smsPhone,
      to: staff.number,
      body: 'are you there?',
    });
    expect(reply.status).toBe(200);

    // Down (nothing listening) until the mailer has tried five times, as many as it used to
    // before giving a fallback up…
    await eventually(
      async () =>
        expect(Math.max(...(await fallbacks(ids)).map((f) => f.attempts))).toBeGreaterThanOrEqual(
          5,
        ),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // …then still down, dropping connections, until more tries than that were made: the
    // notification service's emails too (they used to be dead-lettered after three retries).
    const dropping = await droppingConnections();
    await eventually(() => expect(dropping.connections()).toBeGreaterThanOrEqual(3), {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    await dropping.close();
    const during = await fallbacks(ids);
    expect(during.map((f) => f.status)).toEqual(['pending', 'pending', 'pending']);
    expect(Math.max(...during.map((f) => f.attempts))).toBeGreaterThanOrEqual(6);

    smtp = await startSmtpSink({
      port,
      answer: (address, asked) =>
        address.startsWith(REFUSED)
          ? 550
          : address.startsWith(DEFERRED) && asked <= 2
            ? 451
            : undefined,
    });
    const sink = smtp;
    await eventually(
      async () => {
        expect((await fallbacks(ids)).map((f) => f.status)).toEqual(['sent', 'sent', 'sent']);
        for (const student of students) expect(sink.to(student.email ?? '')).toHaveLength(1);
        const toStaff = sink.to(staff.email).map((mail) => readMail(mail.raw).subject);
        expect(toStaff.sort()).toEqual([
          'New SMS from Ada Lovelace',
          'Not delivered: your message to Ada Lovelace',
        ]);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const [i, student] of students.entries()) {
      expect(readMail(sink.to(student.email ?? '')[0].raw).text).toContain(`outage ${i}`);
    }
  }, 300_000);
});

describe('an SMTP server that answers for the recipient', () => {
  it('marks the fallback failed, once, when the server refuses the address for good (550)', async () => {
    const student = studentRow({
      smsPhone: null,
      email: `${REFUSED}-${studentRow().id}@example.edu`,
    });
    await addStudents(system, [student]);
    const id = await send(student, 'to a refused address');
    await eventually(async () => expect((await fallbacks([id]))[0].status).toBe('failed'), {
      timeoutMs: 30_000,
    });
    const message = await system.api('GET', `/api/messages/${id}`, { as: staff.as });
    expect(message.body.fallback).toMatchObject({ channel: 'email', status: 'failed' });
    expect(smtp?.asked(student.email ?? '')).toBe(1);
    expect(smtp?.to(student.email ?? '')).toEqual([]);
  });

  it('tries again an address the server defers (451), and sends it once it accepts', async () => {
    const student = studentRow({
      smsPhone: null,
      email: `${DEFERRED}-${studentRow().id}@example.edu`,
    });
    await addStudents(system, [student]);
    const id = await send(student, 'after a 451');
    await eventually(async () => expect((await fallbacks([id]))[0].status).toBe('sent'), {
      timeoutMs: 30_000,
    });
    expect(smtp?.asked(student.email ?? '')).toBe(3);
    expect(smtp?.to(student.email ?? '')).toHaveLength(1);
  });
});

/** The messages in a dead-letter queue, taken out of it (this test's vhost only). */
async function takeDeadLetters(queue: string): Promise<amqp.GetMessage[]> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    const messages: amqp.GetMessage[] = [];
    for (;;) {
      const message = await channel.get(`${queue}.dlq`, { noAck: true });
      if (!message) return messages;
      messages.push(message);
    }
  } finally {
    await connection.close();
  }
}

describe("a mail server that refuses a staff member's address for good (550)", () => {
  it('dead-letters the notification with the reply instead of retrying it for ever', async () => {
    const refusedStaff = await newStaff(system, { email: `${REFUSED}-coach-${hex()}@example.edu` });
    const student = studentRow({ smsPhone: null, email: null });
    await addStudents(system, [student]);
    const response = await system.api('POST', '/api/messages', {
      as: refusedStaff.as,
      body: { studentId: student.id, body: 'nowhere, to a refused sender' },
    });
    expect(response.body.status).toBe('undeliverable');

    const { queue } = SUBSCRIPTIONS.notificationSmsStatusChanged;
    const dead = await eventually(
      async () => {
        const found = (await takeDeadLetters(queue)).find(
          (message) =>
            (JSON.parse(message.content.toString()) as { payload: { messageId: string } }).payload
              .messageId === response.body.id,
        );
        expect(found).toBeDefined();
        return found as amqp.GetMessage;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(String(dead.properties.headers?.['x-error'])).toContain('550');
    expect(smtp?.asked(refusedStaff.email)).toBe(1);
    expect(smtp?.to(refusedStaff.email)).toEqual([]);
  });
});

describe('a send Twilio refuses because the student opted out (21610)', () => {
  const optedOut = async (student: TestStudent) => {
    const { rows } = await system.db.query<{ opted_out: boolean }>(
      'SELECT opted_out FROM messaging.opt_outs WHERE student_phone = $1 AND number = $2',
      [student.smsPhone, staff.number],
    );
    return rows.map((row) => row.opted_out);
  };
  const createsAsked = (student: TestStudent) =>
    system.emulator.emulator.state.createsAsked.get(student.smsPhone ?? '') ?? 0;
  const fallbackSent = (id: string) =>
    eventually(async () => expect((await fallbacks([id]))[0].status).toBe('sent'), {
      timeoutMs: 30_000,
    });

  it('emails it, records the opt-out, emails the next without asking Twilio, and texts again after START', async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    await system.emulator.control('/opt-outs', { from: staff.number, to: student.smsPhone });

    const refused = await send(student, 'first, refused by Twilio');
    await fallbackSent(refused);
    const first = await system.api('GET', `/api/messages/${refused}`, { as: staff.as });
    expect(first.body).toMatchObject({ status: 'failed', errorCode: '21610' });
    expect(createsAsked(student)).toBe(1);
    expect(await optedOut(student)).toEqual([true]);

    const next = await system.api('POST', '/api/messages', {
      as: staff.as,
      body: { studentId: student.id, body: 'second, by email only' },
    });
    expect(next.body).toMatchObject({ errorCode: 'opted-out', fallback: { status: 'pending' } });
    await fallbackSent(next.body.id);
    const mails = smtp?.to(student.email ?? '').map((mail) => readMail(mail.raw).text) ?? [];
    expect(mails).toHaveLength(2);
    expect(mails[1]).toContain('second, by email only');
    expect(createsAsked(student)).toBe(1);

    // The student texts START to the number: opted in again, at Twilio and here.
    const start = await system.emulator.control('/inbound', {
      from: student.smsPhone,
      to: staff.number,
      body: 'START',
    });
    expect(start.status).toBe(200);
    await eventually(async () => expect(await optedOut(student)).toEqual([false]), {
      timeoutMs: 30_000,
    });
    const again = await system.api('POST', '/api/messages', {
      as: staff.as,
      body: { studentId: student.id, body: 'third, by SMS' },
    });
    expect(again.body.fallback).toBeNull();
    await eventually(() =>
      expect(sendsTo(system, student.smsPhone ?? '', staff.number).map((m) => m.body)).toEqual([
        'third, by SMS',
      ]),
    );
    expect(createsAsked(student)).toBe(2);
  });
});
