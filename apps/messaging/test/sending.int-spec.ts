import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE } from '@fidelis/broker';
import {
  EventEnvelope,
  MessageView,
  SmsOptOutChanged,
  SmsStatusChanged,
  SmsStatusChangedPayload,
  SmsStatusReported,
  StudentUpserted,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { EventPublisher, handled, startPublisher } from '../../../test/support/events';
import { RABBITMQ_URL } from '../../../test/support/infrastructure';
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

const RATE = 50;

let system: TestSystem;
let smtp: SmtpSink;
let events: EventPublisher;
let eventsConnection: amqp.ChannelModel;
const statusEvents: EventEnvelope<SmsStatusChangedPayload>[] = [];

beforeAll(async () => {
  smtp = await startSmtpSink();
  system = await startSystem({
    env: { SEND_RATE_PER_NUMBER: String(RATE), SMTP_URL: smtp.url },
  });
  await reserveKnownNumbers(system);
  events = await startPublisher();
  eventsConnection = await amqp.connect(RABBITMQ_URL);
  const channel = await eventsConnection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, SmsStatusChanged.routingKey);
  await channel.consume(
    queue,
    (message) => {
      if (message) statusEvents.push(JSON.parse(message.content.toString()));
    },
    { noAck: true },
  );
});

afterAll(async () => {
  await eventsConnection?.close();
  await events?.close();
  await system?.close();
  await smtp?.close();
});

const send = (
  staff: StaffWithNumber,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) => system.api('POST', '/api/messages', { as: staff.as, body, headers });

const message = async (id: string) => {
  const response = await system.api('GET', `/api/messages/${id}`, {
    as: { staffId: 'x', role: 'coach' },
  });
  expect(response.status).toBe(200);
  return response.body;
};

const progress = async (staff: StaffWithNumber, bulkId: string) => {
  const response = await system.api('GET', `/api/messages/bulk/${bulkId}`, { as: staff.as });
  expect(response.status).toBe(200);
  return response.body;
};

const changesOf = (messageId: string) =>
  statusEvents.filter((event) => event.payload.messageId === messageId);

/** The mail a student got, once it arrived. */
async function mailTo(student: TestStudent) {
  return eventually(() => {
    const mails = smtp.to(student.email ?? '');
    expect(mails).toHaveLength(1);
    return mails[0];
  });
}

describe('sending one message', () => {
  let staff: StaffWithNumber;
  let student: TestStudent;

  beforeAll(async () => {
    staff = await newStaff(system);
    student = studentRow();
    await addStudents(system, [student]);
  });

  it("sends from the caller's own number with a status callback and follows it to delivered", async () => {
    const response = await send(staff, { studentId: student.id, body: 'See you at 5!' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      direction: 'outbound',
      studentId: student.id,
      staffId: staff.as.staffId,
      from: staff.number,
      to: student.smsPhone,
      body: 'See you at 5!',
      status: 'queued',
      fallback: null,
      segments: 1,
      encoding: 'GSM-7',
    });

    const [sent] = await eventually(() => {
      const sends = sendsTo(system, student.smsPhone ?? '');
      expect(sends).toHaveLength(1);
      return sends;
    });
    expect(sent).toMatchObject({
      from: staff.number,
      body: 'See you at 5!',
      statusCallback: `${system.url}/webhooks/twilio/status`,
    });
    await eventually(async () =>
      expect(await message(response.body.id)).toMatchObject({
        status: 'delivered',
        twilioSid: sent.sid,
      }),
    );
    await eventually(() =>
      expect(changesOf(response.body.id).map((event) => event.payload.status)).toEqual([
        'sent',
        'delivered',
      ]),
    );
  });

  it('records segments and encoding: a curly quote makes the body UCS-2', async () => {
    const body = `It’s ${'a'.repeat(70)}`;
    const response = await send(staff, { studentId: student.id, body });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ segments: 2, encoding: 'UCS-2' });
  });

  it('refuses a caller without a number (409), an unknown student (404), a bad body (400)', async () => {
    const numberless = await newStaff(system, { withNumber: false });
    const refusals = [
      [numberless, { studentId: student.id, body: 'hi' }],
      [staff, { studentId: `nobody-${hex()}`, body: 'hi' }],
      [staff, { studentId: student.id, body: '' }],
      [staff, { studentId: student.id, body: '   ' }],
      [staff, { studentId: student.id, body: 'a'.repeat(1601) }],
    ] as const;
    const answers = [];
    for (const [caller, body] of refusals) {
      const response = await send(caller, body);
      answers.push([response.status, response.body.code]);
    }
    expect(answers).toEqual([
      [409, 'SENDER_HAS_NO_NUMBER'],
      [404, 'STUDENT_NOT_FOUND'],
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
    ]);
    const unknown = await system.api('GET', `/api/messages/${hex()}`, { as: staff.as });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    const bulk = await system.api(
      'GET',
      '/api/messages/bulk/2d7f0f5c-0000-4000-8000-000000000000',
      {
        as: staff.as,
      },
    );
    expect([bulk.status, bulk.body.code]).toEqual([404, 'BULK_NOT_FOUND']);
  });

  it('sends once per Idempotency-Key: the same request again returns the same message', async () => {
    const other = studentRow();
    await addStudents(system, [other]);
    const key = { 'Idempotency-Key': `key-${hex()}` };
    const first = await send(staff, { studentId: other.id, body: 'once' }, key);
    const again = await send(staff, { studentId: other.id, body: 'once' }, key);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.id).toBe(first.body.id);
    await eventually(async () => expect((await message(first.body.id)).status).toBe('delivered'));

    const bulkKey = { 'Idempotency-Key': `bulk-${hex()}` };
    const bulk = { studentIds: [other.id], body: 'to all' };
    const firstBulk = await system.api('POST', '/api/messages/bulk', {
      as: staff.as,
      body: bulk,
      headers: bulkKey,
    });
    const againBulk = await system.api('POST', '/api/messages/bulk', {
      as: staff.as,
      body: bulk,
      headers: bulkKey,
    });
    expect(firstBulk.status).toBe(202);
    expect(againBulk.body).toEqual(firstBulk.body);
    await eventually(async () =>
      expect(await progress(staff, firstBulk.body.bulkId)).toMatchObject({ done: true }),
    );
    expect(sendsTo(system, other.smsPhone ?? '').map((sent) => sent.body)).toEqual([
      'once',
      'to all',
    ]);
  });
});

describe('Twilio trouble', () => {
  let staff: StaffWithNumber;

  beforeAll(async () => {
    staff = await newStaff(system);
  });

  it("retries Twilio's 429 with a backoff until it is accepted", async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    await system.emulator.control('/faults', { kind: 'rate-limit', count: 2 });
    const response = await send(staff, { studentId: student.id, body: 'busy?' });
    await eventually(
      async () => expect((await message(response.body.id)).status).toBe('delivered'),
      {
        timeoutMs: 15_000,
      },
    );
    expect(sendsTo(system, student.smsPhone ?? '')).toHaveLength(1);
  });

  it('asks Twilio after an ambiguous failure and does not send again what it accepted', async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    await system.emulator.control('/faults', { kind: 'drop-after-accept', count: 1 });
    const response = await send(staff, { studentId: student.id, body: 'did it go?' });
    const sent = await eventually(
      async () => {
        const view = await message(response.body.id);
        expect(view.twilioSid).not.toBeNull();
        return view;
      },
      { timeoutMs: 15_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const sends = sendsTo(system, student.smsPhone ?? '');
    expect(sends.map((s) => s.sid)).toEqual([sent.twilioSid]);
  });
});

describe('status callbacks', () => {
  it('never take a message back: delivered stays delivered after a late or repeated report', async () => {
    const staff = await newStaff(system);
    const student = studentRow();
    await addStudents(system, [student]);
    const response = await send(staff, { studentId: student.id, body: 'order' });
    const delivered = await eventually(async () => {
      const view = await message(response.body.id);
      expect(view.status).toBe('delivered');
      return view;
    });
    await eventually(() => expect(changesOf(response.body.id)).toHaveLength(2));

    for (const status of ['sent', 'queued', 'delivered', 'sending'] as const) {
      const report = await events.publish(SmsStatusReported, {
        messageSid: delivered.twilioSid,
        status,
        errorCode: null,
        reportedAt: new Date().toISOString(),
      });
      await handled(system.db, SUBSCRIPTIONS.messagingSmsStatusReported, report);
    }
    expect((await message(response.body.id)).status).toBe('delivered');
    expect(changesOf(response.body.id).map((event) => event.payload.status)).toEqual([
      'sent',
      'delivered',
    ]);
  });
});

describe('email fallback', () => {
  let staff: StaffWithNumber;

  beforeAll(async () => {
    staff = await newStaff(system);
  });

  async function expectEmailed(messageId: string, student: TestStudent, body: string) {
    const mail = await mailTo(student);
    expect(mail.raw).toContain(`Reply-To: ${staff.email}`);
    expect(mail.raw).toContain(body);
    await eventually(async () =>
      expect((await message(messageId)).fallback).toMatchObject({
        channel: 'email',
        to: student.email,
        status: 'sent',
      }),
    );
  }

  it('emails the student, Reply-To the staff member, when Twilio refuses (21610 unsubscribed)', async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    await system.emulator.control('/opt-outs', { from: staff.number, to: student.smsPhone });
    const response = await send(staff, { studentId: student.id, body: 'refused 21610' });
    await expectEmailed(response.body.id, student, 'refused 21610');
    expect(await message(response.body.id)).toMatchObject({ status: 'failed', errorCode: '21610' });
  });

  it('emails the student when Twilio refuses an invalid number (21211)', async () => {
    const student = studentRow({ smsPhone: '+19995550100' });
    // Not through the directory (which refuses such a number): as its event would carry it.
    const upserted = await events.publish(StudentUpserted, {
      studentId: student.id,
      name: student.name,
      email: student.email,
      smsPhone: student.smsPhone,
      timezone: null,
    });
    await handled(system.db, SUBSCRIPTIONS.messagingStudentUpserted, upserted);
    const response = await send(staff, { studentId: student.id, body: 'refused 21211' });
    await expectEmailed(response.body.id, student, 'refused 21211');
    expect(await message(response.body.id)).toMatchObject({ status: 'failed', errorCode: '21211' });
  });

  it.each(['failed', 'undelivered'] as const)(
    'emails the student when Twilio reports the SMS %s',
    async (status) => {
      const student = studentRow();
      await addStudents(system, [student]);
      await system.emulator.control('/destinations', {
        phoneNumber: student.smsPhone,
        status,
        errorCode: 30003,
      });
      const response = await send(staff, { studentId: student.id, body: `reported ${status}` });
      await expectEmailed(response.body.id, student, `reported ${status}`);
      expect(await message(response.body.id)).toMatchObject({ status, errorCode: '30003' });
    },
  );

  it('sends by email, and says so, to a student who opted out of this number', async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    const optOut = async (optedOut: boolean) => {
      const event = await events.publish(SmsOptOutChanged, {
        studentPhone: student.smsPhone ?? '',
        number: staff.number,
        optedOut,
        at: new Date().toISOString(),
      });
      await handled(system.db, SUBSCRIPTIONS.messagingSmsOptOutChanged, event);
    };
    await optOut(true);
    const response = await send(staff, { studentId: student.id, body: 'you opted out' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      status: 'failed',
      errorCode: 'opted-out',
      fallback: { channel: 'email', to: student.email, status: 'pending' },
    });
    await expectEmailed(response.body.id, student, 'you opted out');
    expect(sendsTo(system, student.smsPhone ?? '')).toHaveLength(0);

    await optOut(false);
    const again = await send(staff, { studentId: student.id, body: 'welcome back' });
    expect(again.body.fallback).toBeNull();
    await eventually(() => expect(sendsTo(system, student.smsPhone ?? '')).toHaveLength(1));
  });

  it('emails a student who has no SMS phone', async () => {
    const student = studentRow({ smsPhone: null });
    await addStudents(system, [student]);
    const response = await send(staff, { studentId: student.id, body: 'no phone' });
    expect(response.body).toMatchObject({ to: null, errorCode: 'no-sms-phone' });
    await expectEmailed(response.body.id, student, 'no phone');
  });

  it('marks undeliverable, and tells the sender, a student with neither SMS phone nor email', async () => {
    const student = studentRow({ smsPhone: null, email: null });
    await addStudents(system, [student]);
    const response = await send(staff, { studentId: student.id, body: 'nowhere' });
    expect(response.body).toMatchObject({ status: 'undeliverable', fallback: null });
    await eventually(() =>
      expect(changesOf(response.body.id).map((event) => event.payload)).toEqual([
        expect.objectContaining({ status: 'undeliverable', staffId: staff.as.staffId }),
      ]),
    );
  });

  it("counts a bulk's fallbacks and failures in its progress", async () => {
    const students = [
      studentRow({ name: 'Ada Lovelace' }),
      studentRow({ name: 'Alan Turing' }),
      studentRow({ smsPhone: null }),
      studentRow({ smsPhone: null, email: null }),
    ];
    await addStudents(system, students);
    const response = await system.api('POST', '/api/messages/bulk', {
      as: staff.as,
      body: { studentIds: students.map((s) => s.id), body: 'Hi {{firstName}} ({{name}})' },
    });
    expect(response.body.total).toBe(4);
    await eventually(async () =>
      expect(await progress(staff, response.body.bulkId)).toEqual({
        bulkId: response.body.bulkId,
        total: 4,
        queued: 0,
        sent: 0,
        delivered: 2,
        failed: 2,
        fallback: 1,
        scheduled: 0,
        done: true,
      }),
    );
    expect(sendsTo(system, students[1].smsPhone ?? '')[0].body).toBe('Hi Alan (Alan Turing)');
    expect((await mailTo(students[2])).raw).toContain('Hi Ada (Ada Lovelace)');
  });

  it('lists the messages of a bulk that no text delivered, and 404 for an unknown bulk', async () => {
    const [texted, emailed, nowhere] = [
      studentRow(),
      studentRow({ smsPhone: null }),
      studentRow({ smsPhone: null, email: null }),
    ];
    await addStudents(system, [texted, emailed, nowhere]);
    const response = await system.api('POST', '/api/messages/bulk', {
      as: staff.as,
      body: { studentIds: [texted.id, emailed.id, nowhere.id], body: 'Bring your ID' },
    });
    const undelivered = await system.api(
      'GET',
      `/api/messages/bulk/${response.body.bulkId}/undelivered`,
      { as: staff.as },
    );
    expect(undelivered.status).toBe(200);
    const byStudent = new Map(
      (undelivered.body as MessageView[]).map((view) => [view.studentId, view]),
    );
    expect([...byStudent.keys()].sort()).toEqual([emailed.id, nowhere.id].sort());
    expect(byStudent.get(emailed.id)).toMatchObject({
      status: 'failed',
      fallback: { channel: 'email', to: emailed.email },
    });
    expect(byStudent.get(nowhere.id)).toMatchObject({ status: 'undeliverable', fallback: null });

    const unknown = await system.api(
      'GET',
      '/api/messages/bulk/00000000-0000-4000-8000-000000000000/undelivered',
      { as: staff.as },
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'BULK_NOT_FOUND']);
  });
});

describe('bulk sends', () => {
  // How fast the 202 comes is a benchmark figure (npm run bench -- outbound), not a timed test.
  it('takes 10,000 students in one request and settles every message', async () => {
    const staff = await newStaff(system);
    // Neither phone nor email: the point is the answer's speed, not 10,000 sends. Messaging's
    // copy of the students is written directly: 10,000 StudentUpserted copied one by one take
    // minutes in this single test process (the import itself is tested in the directory's tests).
    const run = hex();
    const students = Array.from({ length: 10_000 }, (_, index) =>
      studentRow({ id: `student-${run}-${index}`, smsPhone: null, email: null }),
    );
    await system.db.query(
      `INSERT INTO messaging.students (student_id, name, email, sms_phone, updated_at)
       SELECT id, 'Ada Lovelace', NULL, NULL, now() FROM unnest($1::text[]) AS id`,
      [students.map((student) => student.id)],
    );
    const response = await system.api('POST', '/api/messages/bulk', {
      as: staff.as,
      body: { studentIds: students.map((s) => s.id), body: 'Hello {{firstName}}' },
    });
    expect(response.status).toBe(202);
    expect(response.body.total).toBe(10_000);
    expect(await progress(staff, response.body.bulkId)).toMatchObject({
      total: 10_000,
      failed: 10_000,
      done: true,
    });
  }, 180_000);
});
