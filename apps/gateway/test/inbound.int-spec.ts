import { randomBytes } from 'node:crypto';
import { Role } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { readMail } from '../../../test/support/mail-text';
import { PushService, startPushService } from '../../../test/support/push-service';
import { SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink';
import { openEventStream } from '../../../test/support/sse';
import { startSystem, TestSystem } from '../../../test/support/system';
import { tokenFor } from '../../../test/support/tokens';

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = parseInt(randomBytes(3).toString('hex'), 16);
/** A US number unique to this run and index, valid for libphonenumber. */
const phone = (index: number) =>
  `+1312${String(2_000_000 + ((run * 131 + index * 7919) % 7_000_000)).padStart(7, '0')}`;

type Staff = { staffId: string; role: Role };

let system: TestSystem;
const admin: Staff = { staffId: id('admin'), role: 'admin' };
const manager: Staff = { staffId: id('manager'), role: 'coach_manager' };
const coachA: Staff = { staffId: id('coach-a'), role: 'coach' };
const coachB: Staff = { staffId: id('coach-b'), role: 'coach' };
const numbers = new Map<string, { id: string; phoneNumber: string }>();

async function createStaff(staff: Staff): Promise<void> {
  const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
    as: admin,
    body: {
      name: `Staff ${staff.staffId}`,
      email: `${staff.staffId}@example.edu`,
      role: staff.role,
    },
  });
  expect(response.status).toBe(200);
}

async function createStudent(name: string, smsPhone: string | null): Promise<string> {
  const studentId = id('student');
  const response = await system.api('PUT', `/api/students/${studentId}`, {
    as: admin,
    body: { name, email: `${studentId}@example.edu`, smsPhone },
  });
  expect(response.status).toBe(200);
  return studentId;
}

/** A student texts one of our numbers through the emulator (signed webhook to the gateway). */
async function text(from: string, to: string, body: string, extra: Record<string, unknown> = {}) {
  const { status, body: answer } = await system.emulator.control('/inbound', {
    from,
    to,
    body,
    ...extra,
  });
  expect(status).toBe(200);
  expect(answer).toMatchObject({ webhookStatus: 200 });
  return answer as { messageSid: string };
}

async function storedMessage(messageSid: string) {
  return eventually(async () => {
    const response = await system.api('GET', `/api/sms?limit=200`, { as: admin });
    const message = response.body.items.find(
      (item: { twilioSid: string }) => item.twilioSid === messageSid,
    );
    expect(message).toBeDefined();
    return message;
  });
}

async function tileOf(staff: Staff, contactPhone: string) {
  const response = await system.api('GET', '/api/sms/tile', { as: staff });
  expect(response.status).toBe(200);
  return response.body.find((row: { contactPhone: string }) => row.contactPhone === contactPhone);
}

/** Waits until every service copied what the numbers service announced (holders, students). */
async function settled(): Promise<void> {
  await eventually(async () => {
    const { rows } = await system.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM numbers.outbox)::int AS n',
    );
    expect(rows[0].n).toBe(0);
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
}

let smtp: SmtpSink;
let pushService: PushService;

beforeAll(async () => {
  smtp = await startSmtpSink();
  pushService = await startPushService();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  await system.api('PUT', `/api/staff/${admin.staffId}`, {
    as: admin,
    body: { name: 'Admin', email: 'admin@example.edu', role: 'admin' },
  });
  for (const staff of [manager, coachA, coachB]) await createStaff(staff);
  for (const staff of [coachA, coachB]) {
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: staff.staffId },
    });
    expect(bought.status).toBe(201);
    numbers.set(staff.staffId, bought.body);
  }
  await settled();
});

afterAll(async () => {
  for (const number of numbers.values()) {
    await system.api('DELETE', `/api/numbers/${number.id}`, { as: admin });
  }
  await system?.close();
  await smtp?.close();
  await pushService?.close();
});

describe('a reply from a known student', () => {
  it("lands in the holder's tile, the global tab and the student's history", async () => {
    const studentPhone = phone(1);
    const studentId = await createStudent('Grace Hopper', studentPhone);
    await settled();
    const to = numbers.get(coachA.staffId)!.phoneNumber;

    const { messageSid } = await text(studentPhone, to, 'Running late, see you at 5');

    const message = await storedMessage(messageSid);
    expect(message).toMatchObject({
      direction: 'inbound',
      studentId,
      staffId: coachA.staffId,
      from: studentPhone,
      to,
      body: 'Running late, see you at 5',
      status: 'received',
      ambiguous: false,
    });
    const row = await tileOf(coachA, studentPhone);
    expect(row).toMatchObject({ studentId, studentName: 'Grace Hopper', unreadCount: 1 });
    expect(row.lastMessage.twilioSid).toBe(messageSid);
    expect(await tileOf(coachB, studentPhone)).toBeUndefined();
    const history = await system.api('GET', `/api/students/${studentId}/messages`, { as: coachA });
    expect(history.body.map((m: { twilioSid: string }) => m.twilioSid)).toEqual([messageSid]);
  });

  it('counts unread replies until the conversation is marked read', async () => {
    const studentPhone = phone(2);
    await createStudent('Alan Turing', studentPhone);
    await settled();
    const to = numbers.get(coachA.staffId)!.phoneNumber;
    await text(studentPhone, to, 'one');
    const { messageSid } = await text(studentPhone, to, 'two');
    await storedMessage(messageSid);

    expect((await tileOf(coachA, studentPhone)).unreadCount).toBe(2);
    const read = await system.api('POST', '/api/sms/tile/read', {
      as: coachA,
      body: { contactPhone: studentPhone },
    });
    expect(read.status).toBe(200);
    expect((await tileOf(coachA, studentPhone)).unreadCount).toBe(0);

    const { messageSid: third } = await text(studentPhone, to, 'three');
    await storedMessage(third);
    expect(await tileOf(coachA, studentPhone)).toMatchObject({
      unreadCount: 1,
      lastMessage: { body: 'three' },
    });
  });

  it('stores the same MessageSid once when Twilio delivers it twice', async () => {
    const studentPhone = phone(3);
    await createStudent('Twice', studentPhone);
    await settled();
    const to = numbers.get(coachA.staffId)!.phoneNumber;
    const { messageSid } = await text(studentPhone, to, 'only once');
    await text(studentPhone, to, 'only once', { messageSid });

    await storedMessage(messageSid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messaging.messages WHERE twilio_sid = $1',
      [messageSid],
    );
    expect(rows[0].n).toBe(1);
    expect((await tileOf(coachA, studentPhone)).unreadCount).toBe(1);
  });

  it('keeps the media URLs and content types of an MMS', async () => {
    const to = numbers.get(coachB.staffId)!.phoneNumber;
    const { messageSid } = await text(phone(4), to, '', {
      mediaUrls: ['https://api.twilio.com/media/1.jpg'],
      mediaContentTypes: ['image/jpeg'],
    });
    const message = await storedMessage(messageSid);
    expect(message.media).toEqual([
      { url: 'https://api.twilio.com/media/1.jpg', contentType: 'image/jpeg' },
    ]);
  });
});

describe('routing cases', () => {
  it('keeps a message from an unknown sender as a conversation with the raw number', async () => {
    const stranger = phone(10);
    const to = numbers.get(coachB.staffId)!.phoneNumber;
    const { messageSid } = await text(stranger, to, 'who is this?');

    const message = await storedMessage(messageSid);
    expect(message).toMatchObject({ studentId: null, staffId: coachB.staffId, status: 'received' });
    expect(await tileOf(coachB, stranger)).toMatchObject({
      studentId: null,
      studentName: null,
      contactPhone: stranger,
      unreadCount: 1,
    });
  });

  it('links the conversation of an unknown sender to the student who later gets that phone', async () => {
    const later = phone(14);
    const to = numbers.get(coachB.staffId)!.phoneNumber;
    const { messageSid } = await text(later, to, 'new number, who dis');
    expect(await storedMessage(messageSid)).toMatchObject({ studentId: null });

    const studentId = await createStudent('Late Registrant', later);
    await eventually(async () =>
      expect(await storedMessage(messageSid)).toMatchObject({ studentId }),
    );
    expect(await tileOf(coachB, later)).toMatchObject({
      studentId,
      studentName: 'Late Registrant',
    });
  });

  it('flags a reply from a shared phone nobody was messaged on as ambiguous, with its candidates', async () => {
    const shared = phone(11);
    const first = await createStudent('Sibling One', shared);
    const second = await createStudent('Sibling Two', shared);
    await settled();
    const to = numbers.get(coachA.staffId)!.phoneNumber;
    const { messageSid } = await text(shared, to, 'which of us?');

    const message = await storedMessage(messageSid);
    expect(message).toMatchObject({ studentId: null, ambiguous: true });
    expect([...message.candidateStudentIds].sort()).toEqual([first, second].sort());
    const row = await tileOf(coachA, shared);
    expect(row.lastMessage).toMatchObject({ ambiguous: true });
  });

  it('attributes a reply from a shared phone to the sibling last messaged from that number', async () => {
    const shared = phone(15);
    await createStudent('Older Sibling', shared);
    const younger = await createStudent('Younger Sibling', shared);
    await settled();
    const sent = await system.api('POST', '/api/messages', {
      as: coachA,
      body: { studentId: younger, body: 'Your essay is due Friday' },
    });
    expect(sent.status).toBe(202);
    await eventually(async () => {
      const history = await system.api('GET', `/api/students/${younger}/messages`, { as: coachA });
      expect(history.body).toHaveLength(1);
    });

    const { messageSid } = await text(
      shared,
      numbers.get(coachA.staffId)!.phoneNumber,
      'ok thanks',
    );

    expect(await storedMessage(messageSid)).toMatchObject({ studentId: younger, ambiguous: false });
    const history = await system.api('GET', `/api/students/${younger}/messages`, { as: coachA });
    expect(history.body.map((m: { direction: string }) => m.direction)).toEqual([
      'outbound',
      'inbound',
    ]);
  });

  it('maps replies that arrive together each on its own, whatever the others are', async () => {
    // Sent at once, they pass each step in the same batches: known students, a shared phone,
    // a stranger, both coaches' numbers — each must come out with its own student and holder.
    const [known, other] = [phone(70), phone(71)];
    const knownId = await createStudent('Batch Known', known);
    const otherId = await createStudent('Batch Other', other);
    const shared = phone(72);
    const siblings = [
      await createStudent('Batch Sibling A', shared),
      await createStudent('Batch Sibling B', shared),
    ];
    const stranger = phone(73);
    await settled();
    const toA = numbers.get(coachA.staffId)!.phoneNumber;
    const toB = numbers.get(coachB.staffId)!.phoneNumber;
    const cases = [
      { from: known, to: toA, expected: { studentId: knownId, staffId: coachA.staffId } },
      { from: other, to: toB, expected: { studentId: otherId, staffId: coachB.staffId } },
      { from: known, to: toB, expected: { studentId: knownId, staffId: coachB.staffId } },
      { from: stranger, to: toA, expected: { studentId: null, staffId: coachA.staffId } },
      { from: shared, to: toB, expected: { studentId: null, ambiguous: true } },
    ];

    const sent = await Promise.all(
      cases.map((c, index) => text(c.from, c.to, `together ${index}`)),
    );

    for (const [index, { messageSid }] of sent.entries()) {
      const message = await storedMessage(messageSid);
      expect(message).toMatchObject({ ...cases[index].expected, body: `together ${index}` });
    }
    const ambiguous = await storedMessage(sent[4].messageSid);
    expect([...ambiguous.candidateStudentIds].sort()).toEqual([...siblings].sort());
  });

  it('stores a reply to a number nobody holds for admins in the global tab', async () => {
    const unheld = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415' },
    });
    expect(unheld.status).toBe(201);
    numbers.set('unheld', unheld.body);
    await settled();
    const { messageSid } = await text(phone(12), unheld.body.phoneNumber, 'anyone there?');

    const message = await storedMessage(messageSid);
    expect(message).toMatchObject({ staffId: null, status: 'unroutable' });
    const global = await system.api('GET', '/api/sms?status=unroutable', { as: manager });
    expect(global.body.items.map((m: { twilioSid: string }) => m.twilioSid)).toContain(messageSid);
  });

  it('routes replies to whoever held the number when they arrived, across a reassignment', async () => {
    const studentPhone = phone(13);
    await createStudent('Reassigned', studentPhone);
    const holderBefore: Staff = { staffId: id('before'), role: 'instructor' };
    const holderAfter: Staff = { staffId: id('after'), role: 'instructor' };
    for (const staff of [holderBefore, holderAfter]) await createStaff(staff);
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: holderBefore.staffId },
    });
    numbers.set(holderBefore.staffId, bought.body);
    await settled();

    const { messageSid: early } = await text(studentPhone, bought.body.phoneNumber, 'before');
    await storedMessage(early);
    const moved = await system.api('PUT', `/api/numbers/${bought.body.id}/assignee`, {
      as: admin,
      body: { staffId: holderAfter.staffId },
    });
    expect(moved.status).toBe(200);
    await settled();
    const { messageSid: late } = await text(studentPhone, bought.body.phoneNumber, 'after');

    expect(await storedMessage(early)).toMatchObject({ staffId: holderBefore.staffId });
    expect(await storedMessage(late)).toMatchObject({ staffId: holderAfter.staffId });
    const history = await system.api('GET', `/api/numbers/${bought.body.id}/history`, {
      as: admin,
    });
    expect(history.body.map((entry: { staffId: string }) => entry.staffId)).toEqual([
      holderBefore.staffId,
      holderAfter.staffId,
    ]);
  });

  it.each([
    ['STOP', 'opted-out', true],
    ['unsubscribe', 'opted-out', true],
    ['Start', 'opted-in', false],
  ])(
    'reads %j as a keyword: the student is %s of SMS from that number',
    async (keyword, change, optedOut) => {
      const studentPhone = phone(20 + keyword.length);
      await createStudent(`Keyword ${keyword}`, studentPhone);
      await settled();
      const to = numbers.get(coachB.staffId)!.phoneNumber;
      const { messageSid } = await text(studentPhone, to, keyword);

      expect(await storedMessage(messageSid)).toMatchObject({
        optChange: change,
        staffId: coachB.staffId,
      });
      await eventually(async () => {
        const { rows } = await system.db.query<{ opted_out: boolean }>(
          'SELECT opted_out FROM messaging.opt_outs WHERE student_phone = $1 AND number = $2',
          [studentPhone, to],
        );
        expect(rows).toEqual([{ opted_out: optedOut }]);
      });
    },
  );
});

describe('the global SMS tab', () => {
  it('is for admins and managers only', async () => {
    expect((await system.api('GET', '/api/sms', { as: coachA })).status).toBe(403);
    expect((await system.api('GET', '/api/sms', { as: manager })).status).toBe(200);
  });

  it('finds messages by full-text search over bodies', async () => {
    const word = `zephyr${run}`;
    const to = numbers.get(coachA.staffId)!.phoneNumber;
    const { messageSid } = await text(phone(30), to, `The ${word} homework is attached`);
    await storedMessage(messageSid);

    const found = await system.api('GET', `/api/sms?q=${word}`, { as: admin });
    expect(found.body.items.map((m: { twilioSid: string }) => m.twilioSid)).toEqual([messageSid]);
    const none = await system.api('GET', `/api/sms?q=${word}x`, { as: admin });
    expect(none.body.items).toEqual([]);
  });

  it('pages newest first with a cursor that new arrivals do not shift', async () => {
    const staffFilter = `staffId=${coachB.staffId}`;
    const to = numbers.get(coachB.staffId)!.phoneNumber;
    for (const body of ['page one', 'page two', 'page three']) {
      await storedMessage((await text(phone(31), to, body)).messageSid);
    }
    const first = await system.api('GET', `/api/sms?${staffFilter}&limit=2`, { as: admin });
    expect(first.body.items.map((m: { body: string }) => m.body)).toEqual([
      'page three',
      'page two',
    ]);

    await storedMessage((await text(phone(31), to, 'page four')).messageSid);
    const second = await system.api(
      'GET',
      `/api/sms?${staffFilter}&limit=2&before=${first.body.nextBefore}`,
      { as: admin },
    );
    expect(second.body.items[0].body).toBe('page one');
  });

  it('refuses a malformed filter with 400', async () => {
    expect((await system.api('GET', '/api/sms?direction=sideways', { as: admin })).status).toBe(
      400,
    );
    expect((await system.api('GET', '/api/sms?before=nope', { as: admin })).status).toBe(400);
    expect((await system.api('GET', '/api/sms?limit=0', { as: admin })).status).toBe(400);
  });
});

describe('independent steps', () => {
  it.each(['routing', 'messaging'] as const)(
    'keeps replies waiting in their queue while %s is down, and delivers them once it is back',
    async (service) => {
      const to = numbers.get(coachA.staffId)!.phoneNumber;
      await system.stop(service);
      let messageSid: string;
      try {
        ({ messageSid } = await text(phone(40), to, `while ${service} was down`));
        await new Promise((resolve) => setTimeout(resolve, 500));
        const { rows } = await system.db.query(
          'SELECT 1 FROM messaging.messages WHERE twilio_sid = $1',
          [messageSid],
        );
        expect(rows).toHaveLength(0);
      } finally {
        await system.start(service);
      }
      expect(await storedMessage(messageSid)).toMatchObject({ staffId: coachA.staffId });
    },
  );
});

describe('the live dashboard', () => {
  it('announces a signed inbound webhook to the holder and admins over server-sent events', async () => {
    const studentPhone = phone(50);
    const studentId = await createStudent('Live Student', studentPhone);
    await settled();
    const streams = await Promise.all(
      [coachA, coachB, admin].map((staff) =>
        openEventStream(`${system.url}/api/events`, {
          Authorization: `Bearer ${tokenFor(staff.staffId, staff.role)}`,
        }),
      ),
    );
    try {
      const [toCoachA, toCoachB, toAdmin] = streams;
      const sentAt = Date.now();
      const { messageSid } = await text(
        studentPhone,
        numbers.get(coachA.staffId)!.phoneNumber,
        'live!',
      );

      const isMine = (event: { event: string; data: string }) =>
        event.event === 'sms.received' &&
        (JSON.parse(event.data) as { twilioSid: string }).twilioSid === messageSid;
      const received = await toCoachA.next(isMine);
      expect(JSON.parse(received.data)).toMatchObject({
        direction: 'inbound',
        studentId,
        studentName: 'Live Student',
        staffId: coachA.staffId,
        body: 'live!',
      });
      expect(received.at - sentAt).toBeLessThan(2_000);
      await toAdmin.next(isMine);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(toCoachB.events.filter(isMine)).toEqual([]);
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});

describe('notification of the holder', () => {
  it('pushes a signed inbound webhook to the holder: VAPID-signed, and the body decrypts to the student and the first words', async () => {
    const holder: Staff = { staffId: id('pushed'), role: 'mentor_coach' };
    await createStaff(holder);
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: holder.staffId },
    });
    numbers.set(holder.staffId, bought.body);
    const subscription = pushService.subscribe();
    const subscribed = await system.api('POST', '/api/push/subscriptions', {
      as: holder,
      body: { endpoint: subscription.endpoint, keys: subscription.keys },
    });
    expect(subscribed.status).toBe(201);
    const studentPhone = phone(60);
    const studentId = await createStudent('Pushed Student', studentPhone);
    await settled();

    await text(studentPhone, bought.body.phoneNumber, 'Can you push this to my coach please');

    const [push] = await eventually(() => {
      const delivered = pushService.delivered(subscription);
      expect(delivered).toHaveLength(1);
      return delivered;
    });
    expect(push.vapidProblem).toBeNull();
    // The topic lets the push service collapse a push that is sent again after a crash.
    const { messageId } = push.payload as { messageId: string };
    expect(push.headers.topic).toBe(messageId.replace(/-/g, ''));
    expect(push.payload).toMatchObject({
      type: 'sms.received',
      title: 'Pushed Student',
      body: 'Can you push this to my coach please',
      studentId,
    });
    expect(smtp.to(`${holder.staffId}@example.edu`)).toEqual([]);
  });

  it('emails the holder the reply when they have no push subscription', async () => {
    const studentPhone = phone(61);
    await createStudent('Mailed Student', studentPhone);
    await settled();
    await text(
      studentPhone,
      numbers.get(coachB.staffId)!.phoneNumber,
      'Nobody subscribed, mail me',
    );

    const mail = await eventually(() => {
      const mails = smtp.to(`${coachB.staffId}@example.edu`).map((raw) => readMail(raw.raw));
      const mine = mails.find((candidate) => candidate.text.includes('Nobody subscribed, mail me'));
      expect(mine).toBeDefined();
      return mine!;
    });
    expect(mail.subject).toContain('Mailed Student');
  });
});
