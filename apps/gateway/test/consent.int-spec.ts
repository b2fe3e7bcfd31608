import { randomBytes } from 'node:crypto';
import {
  ConsentChangeView,
  GlobalSmsRow,
  MessageView,
  NumberView,
  Role,
  RoutedMessageView,
} from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';

/**
 * Opt-out as the FCC's 2025 rule reads (keywords obeyed, other words flagged for staff to confirm
 * or dismiss), the consent history that keeps every change, and a student's complete record.
 */
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = parseInt(randomBytes(3).toString('hex'), 16);
/** A US number unique to this run and index, valid for libphonenumber. */
const phone = (index: number) =>
  `+1646${String(2_000_000 + ((run * 137 + index * 7919) % 7_000_000)).padStart(7, '0')}`;

type Staff = { staffId: string; role: Role };
const admin: Staff = { staffId: id('admin'), role: 'admin' };
const manager: Staff = { staffId: id('manager'), role: 'coach_manager' };
const carla: Staff = { staffId: id('carla'), role: 'coach' };
const dana: Staff = { staffId: id('dana'), role: 'coach' };

let system: TestSystem;
const bought: NumberView[] = [];
let carlaNumber: NumberView;

async function putStaff(staff: Staff, name: string): Promise<void> {
  const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
    as: admin,
    body: { name, email: `${staff.staffId}@example.edu`, role: staff.role },
  });
  expect(response.status).toBe(200);
}

async function putStudent(name: string, smsPhone: string | null, studentId = id('student')) {
  const response = await system.api('PUT', `/api/students/${studentId}`, {
    as: admin,
    body: { name, smsPhone, email: `${studentId}@students.example.edu` },
  });
  expect(response.status).toBe(200);
  // Routing and messaging have their copies: the phone finds the student.
  await eventually(async () => {
    const { rows } = await system.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM routing.students WHERE student_id = $1)::int +
              (SELECT count(*) FROM messaging.students WHERE student_id = $1)::int AS n`,
      [studentId],
    );
    expect(rows[0].n).toBe(2);
  });
  return studentId;
}

/** A phone texts Carla's number; the message as GET /api/messages/:id shows it once stored. */
async function text(from: string, body: string): Promise<MessageView> {
  const sent = await system.emulator.control('/inbound', {
    from,
    to: carlaNumber.phoneNumber,
    body,
  });
  expect(sent.body).toMatchObject({ webhookStatus: 200 });
  const { messageSid } = sent.body as { messageSid: string };
  const row = await eventually(async () => {
    const { rows } = await system.db.query<{ id: string }>(
      'SELECT id FROM messaging.messages WHERE twilio_sid = $1',
      [messageSid],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  });
  return message(row.id);
}

async function message(messageId: string): Promise<MessageView> {
  const response = await system.api('GET', `/api/messages/${messageId}`, { as: admin });
  expect(response.status).toBe(200);
  return response.body;
}

async function optedOut(studentPhone: string): Promise<boolean | null> {
  const { rows } = await system.db.query<{ opted_out: boolean }>(
    'SELECT opted_out FROM messaging.opt_outs WHERE student_phone = $1 AND number = $2',
    [studentPhone, carlaNumber.phoneNumber],
  );
  return rows[0]?.opted_out ?? null;
}

async function consent(studentId: string, as: Staff = carla): Promise<ConsentChangeView[]> {
  const response = await system.api('GET', `/api/students/${studentId}/consent`, { as });
  expect(response.status).toBe(200);
  return response.body;
}

const needsAttention = async (messageId: string) => {
  const response = await system.api('GET', '/api/sms?attention=true&limit=200', { as: admin });
  expect(response.status).toBe(200);
  const items: GlobalSmsRow[] = response.body.items;
  return items.find((row) => row.id === messageId)?.attention ?? null;
};

const decide = (messageId: string, as: Staff, decision: unknown) =>
  system.api('POST', `/api/messages/${messageId}/opt-out`, { as, body: { decision } });

async function send(studentId: string, body: string): Promise<MessageView> {
  const response = await system.api('POST', '/api/messages', {
    as: carla,
    body: { studentId, body },
  });
  expect(response.status).toBe(202);
  return response.body;
}

beforeAll(async () => {
  system = await startSystem();
  await putStaff(admin, 'Ada Admin');
  await putStaff(manager, 'Mo Manager');
  await putStaff(carla, 'Carla Coach');
  await putStaff(dana, 'Dana Dean');
  const response = await system.api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '646', staffId: carla.staffId },
  });
  expect(response.status).toBe(201);
  carlaNumber = response.body;
  bought.push(carlaNumber);
  // Routing and messaging know who holds the number.
  await eventually(async () => {
    const { rows } = await system.db.query(
      `SELECT 1 FROM routing.number_assignments
        WHERE number_id::text = $1 AND staff_id = $2 AND ended_at IS NULL`,
      [carlaNumber.id, carla.staffId],
    );
    expect(rows).toHaveLength(1);
  });
});

afterAll(async () => {
  for (const number of bought) {
    await system.api('DELETE', `/api/numbers/${number.id}`, { as: admin });
  }
  await system?.close();
});

describe('opt-out keywords, as the whole body', () => {
  const optOuts = [
    'STOP',
    'stop.',
    ' Stop! ',
    'STOPALL',
    'Unsubscribe',
    'cancel',
    'END',
    'Quit!',
    'revoke',
    'OPT OUT',
    'optout',
    'Opt-Out.',
  ];

  it.each(optOuts.map((word, index) => [word, index]))(
    'opts the phone out of the number on %j, in the consent history with its message',
    async (word, index) => {
      const studentPhone = phone(100 + index);
      const student = await putStudent(`Keyword ${index}`, studentPhone);

      const received = await text(studentPhone, word);

      expect(received.flags).toEqual([]);
      await eventually(async () => expect(await optedOut(studentPhone)).toBe(true));
      expect(await consent(student)).toEqual([
        {
          number: carlaNumber.phoneNumber,
          studentPhone,
          optedOut: true,
          at: received.createdAt,
          source: { kind: 'message', messageId: received.id },
        },
      ]);
    },
  );

  it.each([['START'], ['yes'], ['Unstop!']])(
    'opts the phone back in on %j, newest first in the history',
    async (word) => {
      const studentPhone = phone(200 + word.length);
      const student = await putStudent(`Opt-in ${word}`, studentPhone);
      const stop = await text(studentPhone, 'STOP');
      await eventually(async () => expect(await optedOut(studentPhone)).toBe(true));

      const start = await text(studentPhone, word);

      await eventually(async () => expect(await optedOut(studentPhone)).toBe(false));
      const history = await consent(student);
      expect(history.map((change) => [change.optedOut, change.source])).toEqual([
        [false, { kind: 'message', messageId: start.id }],
        [true, { kind: 'message', messageId: stop.id }],
      ]);
    },
  );

  it('answers 404 for the consent history of an unknown student', async () => {
    const response = await system.api('GET', `/api/students/${id('nobody')}/consent`, {
      as: carla,
    });
    expect(response.status).toBe(404);
  });
});

describe('asking to stop in other words', () => {
  it('flags the message, keeps it in Needs attention, and obeys only once staff confirm', async () => {
    const studentPhone = phone(300);
    const student = await putStudent('Wendy Words', studentPhone);

    const asked = await text(studentPhone, "please stop texting me, I don't want these texts");
    const lookAlike = await text(studentPhone, "I can't stop laughing at the bus stop");

    expect(asked.flags).toEqual(['possible-opt-out']);
    expect(lookAlike.flags).toEqual([]);
    expect(await needsAttention(asked.id)).toBe('possible-opt-out');
    expect(await needsAttention(lookAlike.id)).toBeNull();
    expect(await optedOut(studentPhone)).toBeNull(); // not obeyed blindly

    // Bad input is a 400 and changes nothing; others' messages are not a coach's to decide.
    for (const bad of ['yes', '', null, 42]) {
      const refused = await decide(asked.id, carla, bad);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('decision must be "confirm" or "dismiss"');
    }
    expect((await decide(id('no-such-message'), admin, 'confirm')).status).toBe(404);
    expect((await decide(asked.id, dana, 'confirm')).status).toBe(403);
    expect((await message(asked.id)).flags).toEqual(['possible-opt-out']);
    expect(await needsAttention(asked.id)).toBe('possible-opt-out');
    expect(await optedOut(studentPhone)).toBeNull();

    // Carla, to whom it was routed, confirms: opted out exactly as STOP does.
    const confirmed = await decide(asked.id, carla, 'confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: asked.id, flags: [] });
    expect(await needsAttention(asked.id)).toBeNull();
    expect(await optedOut(studentPhone)).toBe(true);
    expect((await decide(asked.id, carla, 'confirm')).status).toBe(409);
    expect((await decide(lookAlike.id, admin, 'dismiss')).status).toBe(409);

    const [change] = await consent(student, manager);
    expect(change).toMatchObject({
      number: carlaNumber.phoneNumber,
      studentPhone,
      optedOut: true,
      source: { kind: 'staff', staffId: carla.staffId, messageId: asked.id },
    });
    // Later sends go by email, as after a STOP.
    const later = await send(student, 'Reminder: class at 5');
    await eventually(async () =>
      expect((await message(later.id)).fallback).toMatchObject({ channel: 'email' }),
    );
    // A keyword opts back in; the history keeps both changes, newest first.
    const start = await text(studentPhone, 'START');
    await eventually(async () => expect(await optedOut(studentPhone)).toBe(false));
    expect((await consent(student)).map((c) => [c.optedOut, c.source])).toEqual([
      [false, { kind: 'message', messageId: start.id }],
      [true, { kind: 'staff', staffId: carla.staffId, messageId: asked.id }],
    ]);
    await eventually(async () => {
      const audit = await system.api(
        'GET',
        `/api/audit?action=message.opt-out-confirmed&actor=${carla.staffId}`,
        { as: admin },
      );
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          targetType: 'message',
          targetId: asked.id,
          before: { flags: ['possible-opt-out'] },
        }),
      ]);
    });
  });

  it('settles the flag when the student then texts STOP: the opt-out is theirs already', async () => {
    const studentPhone = phone(302);
    const student = await putStudent('Sol Stopper', studentPhone);
    const asked = await text(studentPhone, 'no more texts please');
    expect(await needsAttention(asked.id)).toBe('possible-opt-out');

    const stop = await text(studentPhone, 'STOP');

    await eventually(async () => expect((await message(asked.id)).flags).toEqual([]));
    expect(await needsAttention(asked.id)).toBeNull();
    expect((await consent(student)).map((change) => change.source)).toEqual([
      { kind: 'message', messageId: stop.id },
    ]);
  });

  it('clears the flag when a manager dismisses it: no opt-out, gone from Needs attention', async () => {
    const studentPhone = phone(301);
    const student = await putStudent('Dee Dismissed', studentPhone);
    const asked = await text(studentPhone, 'leave me alone, I am studying!');
    expect(asked.flags).toEqual(['possible-opt-out']);
    expect(await needsAttention(asked.id)).toBe('possible-opt-out');

    const dismissed = await decide(asked.id, manager, 'dismiss');

    expect(dismissed.status).toBe(200);
    expect(dismissed.body.flags).toEqual([]);
    expect(await needsAttention(asked.id)).toBeNull();
    expect(await optedOut(studentPhone)).toBeNull();
    expect(await consent(student)).toEqual([]);
    await eventually(async () => {
      const audit = await system.api('GET', `/api/audit?action=message.opt-out-dismissed`, {
        as: admin,
      });
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({ actorId: manager.staffId, targetId: asked.id }),
      );
    });
  });
});

describe('an opt-out asked for some other way (email, phone, in person)', () => {
  const optOut = (studentId: string, body: unknown, as: Staff = dana) =>
    system.api('POST', `/api/students/${studentId}/opt-out`, { as, body });

  it('is recorded by any staff member, counts as a STOP, and is in the history with them', async () => {
    const studentPhone = phone(500);
    const student = await putStudent('Emma Emailed', studentPhone);

    // Bad input is a 400 and changes nothing.
    for (const number of ['not a number', 42, '+15550001234']) {
      const refused = await optOut(student, { number });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('number must be one of our numbers');
    }
    const phoneless = await putStudent('Noel Nophone', null);
    expect((await optOut(phoneless, {})).status).toBe(400);
    expect((await optOut(id('nobody'), {})).status).toBe(404);
    expect(await consent(student)).toEqual([]);
    expect(await optedOut(studentPhone)).toBeNull();

    const recorded = await optOut(student, { number: carlaNumber.phoneNumber });

    expect(recorded.status).toBe(200);
    expect(recorded.body).toEqual([
      expect.objectContaining({
        number: carlaNumber.phoneNumber,
        studentPhone,
        optedOut: true,
        source: { kind: 'staff', staffId: dana.staffId, messageId: null },
      }),
    ]);
    expect(await consent(student)).toEqual(recorded.body);
    expect(await optedOut(studentPhone)).toBe(true);
    const later = await send(student, 'Are you coming to the review session?');
    await eventually(async () =>
      expect((await message(later.id)).fallback).toMatchObject({ channel: 'email' }),
    );
    await eventually(async () => {
      const audit = await system.api('GET', `/api/audit?action=student.opted-out`, { as: admin });
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({
          actorId: dana.staffId,
          targetType: 'student',
          targetId: student,
          after: { numbers: [carlaNumber.phoneNumber], studentPhone },
        }),
      );
    });
  });
});

describe("a student's complete record", () => {
  it('exports every SMS both ways, the fallback email, the consent history and the audit', async () => {
    const studentPhone = phone(400);
    const student = await putStudent('Rita Record', studentPhone);
    const first = await send(student, 'Hi Rita, your essay is due Friday');
    const reply = await text(studentPhone, 'Thanks, I will send it Thursday');
    const stop = await text(studentPhone, 'STOP');
    await eventually(async () => expect(await optedOut(studentPhone)).toBe(true));
    const byEmail = await send(student, 'Rita, the deadline moved to Monday');
    // Everything settled: the text delivered, the email sent.
    await eventually(
      async () => {
        expect((await message(first.id)).status).toBe('delivered');
        expect((await message(byEmail.id)).fallback).toMatchObject({ status: 'sent' });
      },
      { timeoutMs: 20_000 },
    );
    const history = await system.api('GET', `/api/students/${student}/messages`, { as: admin });
    const profile = await system.api('GET', `/api/students/${student}`, { as: admin });
    await eventually(async () => {
      const audit = await system.api(
        'GET',
        `/api/audit?action=message.sent&actor=${carla.staffId}`,
        {
          as: admin,
        },
      );
      expect(
        audit.body.items.filter((entry: { targetId: string }) => entry.targetId === student),
      ).toHaveLength(2);
    });

    const exported = await system.api('GET', `/api/students/${student}/export`, { as: admin });

    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="student-${student}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    );
    const record = exported.body;
    expect(record.student).toEqual(profile.body);
    expect(record.exportedBy).toBe(admin.staffId);
    // Every message both ways, in order, as the student's history has it, field by field.
    expect(record.messages.map((m: RoutedMessageView) => m.id)).toEqual([
      first.id,
      reply.id,
      stop.id,
      byEmail.id,
    ]);
    expect(record.messages).toEqual(history.body);
    const [sent, replied, stopped, emailed] = record.messages as RoutedMessageView[];
    expect(sent).toMatchObject({
      direction: 'outbound',
      body: 'Hi Rita, your essay is due Friday',
      from: carlaNumber.phoneNumber,
      to: studentPhone,
      status: 'delivered',
      fallback: null,
      route: null,
    });
    expect(replied).toMatchObject({
      direction: 'inbound',
      body: 'Thanks, I will send it Thursday',
      from: studentPhone,
      to: carlaNumber.phoneNumber,
      status: 'received',
      studentId: student,
      staffId: carla.staffId,
      route: reply.route,
    });
    expect(replied.route).toEqual({
      student: { by: 'smsPhone', candidates: [student] },
      staff: { id: carla.staffId, heldSince: carlaNumber.assignedAt },
    });
    expect(stopped).toMatchObject({ body: 'STOP', optChange: 'opted-out' });
    expect(emailed).toMatchObject({
      direction: 'outbound',
      body: 'Rita, the deadline moved to Monday',
      fallback: { channel: 'email', to: `${student}@students.example.edu`, status: 'sent' },
    });
    expect(record.emails).toEqual([
      {
        messageId: byEmail.id,
        to: `${student}@students.example.edu`,
        status: 'sent',
        at: emailed.fallback?.at,
        body: 'Rita, the deadline moved to Monday',
      },
    ]);
    expect(record.consent).toEqual([
      {
        number: carlaNumber.phoneNumber,
        studentPhone,
        optedOut: true,
        at: stop.createdAt,
        source: { kind: 'message', messageId: stop.id },
      },
    ]);
    const actions = record.audit.map((entry: { action: string; targetId: string }) => [
      entry.action,
      entry.targetId,
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['student.upserted', student],
        ['message.sent', student],
      ]),
    );
    expect(actions.filter(([action]: string[]) => action === 'message.sent')).toHaveLength(2);

    // The export itself is in the trail.
    await eventually(async () => {
      const audit = await system.api('GET', `/api/audit?action=student.exported`, { as: admin });
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({
          actorId: admin.staffId,
          targetType: 'student',
          targetId: student,
        }),
      );
    });
  });

  it('is for admins only, and 404 for an unknown student', async () => {
    const student = await putStudent('Olga Other', phone(401));
    for (const staff of [manager, carla]) {
      expect(
        (await system.api('GET', `/api/students/${student}/export`, { as: staff })).status,
      ).toBe(403);
    }
    const unknown = await system.api('GET', `/api/students/${id('nobody')}/export`, { as: admin });
    expect(unknown.status).toBe(404);
  });
});
