import { TWILIO_MESSAGE_STATUSES } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { ServiceProcess } from '../../../test/support/service-process';
import { SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink';
import { startSystem, TestSystem } from '../../../test/support/system';
import { postSignedForm } from '../../../test/support/webhooks';
import { startMessagingProcess } from './support/messaging-process';
import {
  addStudents,
  newStaff,
  reserveKnownNumbers,
  StaffWithNumber,
  studentRow,
  TestStudent,
} from './support/sending-fixtures';

// Messaging runs as a process of its own, so that a test can kill it with SIGKILL mid-send.
let system: TestSystem;
let smtp: SmtpSink;
let messaging: ServiceProcess;
let staff: StaffWithNumber;

beforeAll(async () => {
  smtp = await startSmtpSink();
  system = await startSystem({
    env: { SEND_RATE_PER_NUMBER: '20', SMTP_URL: smtp.url },
    without: ['messaging'],
  });
  await reserveKnownNumbers(system);
  messaging = await startMessagingProcess(system.env, system.db);
  staff = await newStaff(system);
}, 120_000);

afterAll(async () => {
  await messaging?.stop();
  await system?.close();
  await smtp?.close();
});

const phoneOf = (student: TestStudent) => student.smsPhone ?? '';

async function send(student: TestStudent, body: string): Promise<string> {
  const response = await system.api('POST', '/api/messages', {
    as: staff.as,
    body: { studentId: student.id, body },
  });
  expect(response.status).toBe(202);
  return (response.body as { id: string }).id;
}

async function messageView(id: string) {
  const response = await system.api('GET', `/api/messages/${id}`, { as: staff.as });
  expect(response.status).toBe(200);
  return response.body as { status: string; twilioSid: string | null; fallback: unknown };
}

/** The creates Twilio (the emulator) holds for this phone, as its control API lists them. */
async function createsTo(phone: string): Promise<{ sid: string; status: string }[]> {
  const { body } = await system.emulator.control('/messages');
  return (body as { messages: { sid: string; to: string; status: string }[] }).messages.filter(
    (message) => message.to === phone,
  );
}

async function fault(body: Record<string, unknown>): Promise<void> {
  expect((await system.emulator.control('/faults', body)).status).toBe(201);
}

/** Exactly one create at Twilio for the student, the message delivered with it, no email. */
async function expectDeliveredOnce(student: TestStudent, messageId: string, timeoutMs: number) {
  const view = await eventually(
    async () => {
      const current = await messageView(messageId);
      expect(current.status).toBe('delivered');
      return current;
    },
    { timeoutMs, intervalMs: 500 },
  );
  const creates = await createsTo(phoneOf(student));
  expect(creates.map((create) => create.sid)).toEqual([view.twilioSid]);
  expect(view.fallback).toBeNull();
  expect(smtp.to(student.email ?? '')).toEqual([]);
}

describe("each SMS exactly once through Twilio's faults", () => {
  it(
    'sends each message once and delivers it through 401, 429, 500, 503, a lost or late answer, ' +
      'and a message held in Twilio’s queue past the re-send window with its answer lost',
    async () => {
      const cases: [string, Record<string, unknown>[]][] = [
        ['401 (20003) three times', [{ kind: 'unauthorized', count: 3 }]],
        [
          '429 with Retry-After 2 s, twice',
          [{ kind: 'rate-limit', retryAfterSeconds: 2, count: 2 }],
        ],
        ['500, not created', [{ kind: 'server-error', status: 500 }]],
        ['503, not created', [{ kind: 'server-error', status: 503 }]],
        ['answer lost after the create', [{ kind: 'drop-after-accept' }]],
        // The send worker gives up after 15 s (TWILIO_TIMEOUT_MS).
        ['answer later than the timeout', [{ kind: 'late-answer', delayMs: 20_000 }]],
        [
          'held queued 75 s with its answer lost',
          [{ kind: 'held-queued', holdMs: 75_000 }, { kind: 'drop-after-accept' }],
        ],
      ];
      const students = cases.map(() => studentRow());
      await addStudents(system, students);
      for (const [index, [, faults]] of cases.entries()) {
        for (const f of faults) await fault({ ...f, to: phoneOf(students[index]) });
      }

      const ids = await Promise.all(
        cases.map(([name], index) => send(students[index], `Exactly once: ${name}`)),
      );

      // The held message is still queued at Twilio after the 60 s re-send window: found, not resent.
      const held = students[cases.length - 1];
      await eventually(
        async () => expect((await messageView(ids[cases.length - 1])).twilioSid).not.toBeNull(),
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      for (const [index, student] of students.entries()) {
        await expectDeliveredOnce(student, ids[index], 150_000);
      }
      expect((await createsTo(phoneOf(held))).map((create) => create.status)).toEqual([
        'delivered',
      ]);
    },
    240_000,
  );

  it(
    'sends every pending message once, none by email, when a rotated token (401) is fixed ' +
      'after 8 s',
    async () => {
      const students = Array.from({ length: 12 }, () => studentRow());
      await addStudents(system, students);
      await fault({ kind: 'unauthorized', durationMs: 8_000 });

      const bulk = await system.api('POST', '/api/messages/bulk', {
        as: staff.as,
        body: { studentIds: students.map((student) => student.id), body: 'Token rotated' },
      });
      expect(bulk.status).toBe(202);
      const { bulkId } = bulk.body as { bulkId: string };

      const progress = await eventually(
        async () => {
          const answer = await system.api('GET', `/api/messages/bulk/${bulkId}`, { as: staff.as });
          expect(answer.body).toMatchObject({ delivered: 12, done: true });
          return answer.body as Record<string, unknown>;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      expect(progress).toMatchObject({ total: 12, failed: 0, fallback: 0 });
      for (const student of students) {
        expect(await createsTo(phoneOf(student))).toHaveLength(1);
        expect(smtp.to(student.email ?? '')).toEqual([]);
      }
      // No hot loop: while Twilio refused, the worker probed now and then (after 1, 2, 4 … s),
      // instead of trying every message again and again (a dozen calls a second at this rate).
      const asked = students.reduce(
        (sum, student) =>
          sum + (system.emulator.emulator.state.createsAsked.get(phoneOf(student)) ?? 0),
        0,
      );
      expect(asked - students.length).toBeGreaterThan(0);
      expect(asked - students.length).toBeLessThan(30);
    },
    120_000,
  );

  it(
    'creates the message once when the worker is killed (SIGKILL) while Twilio holds the ' +
      'answer to its create, and records it once started again',
    async () => {
      const student = studentRow();
      await addStudents(system, [student]);
      await fault({ kind: 'late-answer', delayMs: 60_000, to: phoneOf(student) });

      const id = await send(student, 'Killed in flight');
      const [created] = await eventually(
        async () => {
          const creates = await createsTo(phoneOf(student));
          expect(creates).toHaveLength(1);
          return creates;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect((await messageView(id)).twilioSid).toBeNull();
      await messaging.kill();
      messaging = await startMessagingProcess(system.env, system.db);

      // The new instance finds the dead one's attempt once it stops beating (20 s).
      await expectDeliveredOnce(student, id, 90_000);
      expect((await messageView(id)).twilioSid).toBe(created.sid);
    },
    180_000,
  );
});

describe('status callbacks with every status Twilio documents', () => {
  /** A message Twilio holds queued (so that its own callbacks stay out of the way). */
  async function heldMessage(
    body: string,
  ): Promise<{ id: string; sid: string; student: TestStudent }> {
    const student = studentRow();
    await addStudents(system, [student]);
    await fault({ kind: 'held-queued', holdMs: 600_000, to: phoneOf(student) });
    const id = await send(student, body);
    const sid = await eventually(async () => {
      const { twilioSid } = await messageView(id);
      expect(twilioSid).not.toBeNull();
      return twilioSid ?? '';
    });
    return { id, sid, student };
  }

  const callback = (sid: string, status: string, errorCode?: string) =>
    postSignedForm(system, '/webhooks/twilio/status', {
      MessageSid: sid,
      AccountSid: system.emulator.emulator.accountSid,
      MessageStatus: status,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    });

  it('answers 200 to each documented status, and 400 to one Twilio does not document', async () => {
    const { sid } = await heldMessage('statuses');
    for (const status of TWILIO_MESSAGE_STATUSES) {
      expect({ status, answer: (await callback(sid, status)).status }).toEqual({
        status,
        answer: 200,
      });
    }
    expect((await callback(sid, 'teleported')).status).toBe(400);
  });

  it.each([
    ['read', 'delivered', false],
    ['partially_delivered', 'undelivered', true],
    ['canceled', 'failed', true],
  ])('records %s as %s (email fallback: %s)', async (reported, recorded, emailed) => {
    const { id, sid, student } = await heldMessage(`Reported ${reported}`);
    expect((await callback(sid, reported)).status).toBe(200);

    await eventually(async () => {
      const view = await messageView(id);
      expect(view.status).toBe(recorded);
      expect(view.fallback !== null).toBe(emailed);
    });
    if (emailed) {
      await eventually(() => expect(smtp.to(student.email ?? '')).toHaveLength(1));
    }
  });

  it('keeps an outbound message where it is on receiving/received, and never moves it back', async () => {
    const { id, sid } = await heldMessage('forward only');
    for (const status of ['receiving', 'received', 'scheduled', 'sent']) {
      expect((await callback(sid, status)).status).toBe(200);
    }
    await eventually(async () => expect((await messageView(id)).status).toBe('sent'));
    for (const status of ['queued', 'read', 'sending']) {
      expect((await callback(sid, status)).status).toBe(200);
    }
    await eventually(async () => expect((await messageView(id)).status).toBe('delivered'));
    const reports = await eventually(async () => {
      const { rows } = await system.db.query<{ status: string }>(
        'SELECT status FROM messaging.status_reports WHERE message_sid = $1 ORDER BY status',
        [sid],
      );
      expect(rows).toHaveLength(7);
      return rows.map((row) => row.status);
    });
    expect(reports).toEqual(
      ['queued', 'read', 'received', 'receiving', 'scheduled', 'sending', 'sent'].sort(),
    );
    expect((await messageView(id)).status).toBe('delivered');
  });
});
