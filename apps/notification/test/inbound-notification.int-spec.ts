import { randomBytes, randomUUID } from 'node:crypto';
import { InboundSmsStored, InboundSmsStoredPayload, Role, SUBSCRIPTIONS } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { drained, EventPublisher, randomPhone, startPublisher } from '../../../test/support/events';
import { readMail } from '../../../test/support/mail-text';
import {
  PushService,
  startPushService,
  TestSubscription,
} from '../../../test/support/push-service';
import { SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink';
import { startSystem, TestSystem } from '../../../test/support/system';

let system: TestSystem;
let events: EventPublisher;
let pushService: PushService;
let smtp: SmtpSink;
let publicKey: string;

const admin = { staffId: `admin-${randomUUID()}`, role: 'admin' as Role };

beforeAll(async () => {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error(
      'The push service stand-in needs NODE_EXTRA_CA_CERTS=test/support/push-service.crt ' +
        '(npm test sets it)',
    );
  }
  pushService = await startPushService();
  smtp = await startSmtpSink();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  events = await startPublisher();
  publicKey = (await system.api('GET', '/api/push/public-key', { as: admin })).body.publicKey;
});

afterAll(async () => {
  await events?.close();
  await system?.close();
  await smtp?.close();
  await pushService?.close();
});

interface StaffMember {
  staffId: string;
  role: Role;
  email: string;
}

/** A staff member created through the API, once notification has its copy (with the email). */
async function staffMember(): Promise<StaffMember> {
  const member = {
    staffId: `coach-${randomUUID()}`,
    role: 'coach' as Role,
    email: `coach-${randomBytes(4).toString('hex')}@example.edu`,
  };
  const response = await system.api('PUT', `/api/staff/${member.staffId}`, {
    as: admin,
    body: { name: 'Ada Coach', email: member.email, role: member.role },
  });
  expect(response.status).toBe(200);
  await eventually(async () => {
    const { rows } = await system.db.query('SELECT 1 FROM notification.staff WHERE staff_id = $1', [
      member.staffId,
    ]);
    expect(rows).toHaveLength(1);
  });
  return member;
}

/** A browser of `member` subscribed through the API, at the push service stand-in. */
async function subscribed(member: StaffMember): Promise<TestSubscription> {
  const subscription = pushService.subscribe();
  const response = await system.api('POST', '/api/push/subscriptions', {
    as: member,
    body: { endpoint: subscription.endpoint, keys: subscription.keys },
  });
  expect(response.status).toBe(201);
  return subscription;
}

function inbound(
  member: StaffMember | null,
  overrides: Partial<InboundSmsStoredPayload> = {},
): InboundSmsStoredPayload {
  return {
    messageId: randomUUID(),
    messageSid: `SM${randomBytes(16).toString('hex')}`,
    studentId: `student-${randomUUID()}`,
    studentName: 'Grace Hopper',
    ambiguous: false,
    candidateStudentIds: [],
    staffId: member?.staffId ?? null,
    from: randomPhone(),
    to: randomPhone(),
    body: 'Can we move our session to Thursday?',
    media: [],
    status: member ? 'received' : 'unroutable',
    optChange: null,
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Waits until notification has finished with the message (pushed or emailed, nothing to retry). */
async function notified(messageId: string): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await system.db.query(
        `SELECT 1 FROM notification.inbound_notifications
          WHERE message_id = $1 AND done_at IS NOT NULL`,
        [messageId],
      );
      expect(rows).toHaveLength(1);
    },
    { timeoutMs: 20_000 },
  );
}

async function subscriptionsOf(member: StaffMember): Promise<string[]> {
  const { rows } = await system.db.query<{ endpoint: string }>(
    'SELECT endpoint FROM notification.push_subscriptions WHERE staff_id = $1 ORDER BY endpoint',
    [member.staffId],
  );
  return rows.map((row) => row.endpoint);
}

const mailsTo = (member: StaffMember) => smtp.to(member.email).map((mail) => readMail(mail.raw));

describe('Web Push of an inbound SMS', () => {
  it('pushes to the staff member a VAPID-signed push whose body decrypts to the student, the first words and links', async () => {
    const member = await staffMember();
    const subscription = await subscribed(member);
    const body =
      'Hi! I finished the project draft but the deployment keeps failing on the last step, ' +
      'could you take a look before our call tomorrow? Thanks a lot';
    const sms = inbound(member, { body });
    await events.publish(InboundSmsStored, sms);

    const [push] = await eventually(() => {
      const delivered = pushService.delivered(subscription);
      expect(delivered).toHaveLength(1);
      return delivered;
    });
    expect(push.vapidProblem).toBeNull();
    expect(push.vapidKey).toBe(publicKey);
    expect(push.jwt).toMatchObject({ aud: pushService.origin, sub: 'mailto:no-reply@localhost' });
    expect(push.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'high' });
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);
    expect(push.payload).toEqual({
      type: 'sms.received',
      title: 'Grace Hopper',
      body:
        'Hi! I finished the project draft but the deployment keeps failing on the last step, ' +
        'could you take…',
      messageId: sms.messageId,
      studentId: sms.studentId,
      studentName: 'Grace Hopper',
      contactPhone: sms.from,
      ambiguous: false,
      optChange: null,
      receivedAt: sms.receivedAt,
      url: `/students/${sms.studentId}`,
    });
    await notified(sms.messageId);
    expect(mailsTo(member)).toEqual([]);
  });

  it('names the raw phone when the sender is unknown or ambiguous, and tells of an opt-out', async () => {
    const member = await staffMember();
    const subscription = await subscribed(member);
    const unknown = inbound(member, { studentId: null, studentName: null });
    const ambiguous = inbound(member, {
      studentId: null,
      studentName: null,
      ambiguous: true,
      candidateStudentIds: ['student-a', 'student-b'],
    });
    const optOut = inbound(member, { body: 'Stop', optChange: 'opted-out' });
    for (const sms of [unknown, ambiguous, optOut]) await events.publish(InboundSmsStored, sms);

    const payloads = await eventually(() => {
      const delivered = pushService.delivered(subscription);
      expect(delivered).toHaveLength(3);
      return delivered.map((push) => push.payload as { messageId: string });
    });
    const byMessage = (id: string) => payloads.find((payload) => payload.messageId === id);
    expect(byMessage(unknown.messageId)).toMatchObject({
      title: unknown.from,
      studentId: null,
      url: `/sms?contactPhone=${encodeURIComponent(unknown.from)}`,
    });
    expect(byMessage(ambiguous.messageId)).toMatchObject({
      title: ambiguous.from,
      ambiguous: true,
      studentId: null,
    });
    expect(byMessage(optOut.messageId)).toMatchObject({
      title: 'Grace Hopper',
      optChange: 'opted-out',
      body: 'Opted out of SMS from your number ("Stop").',
    });
  });

  it("pushes to each of the staff member's subscriptions, encrypted for each", async () => {
    const member = await staffMember();
    const subscriptions = [
      await subscribed(member),
      await subscribed(member),
      await subscribed(member),
    ];
    const sms = inbound(member);
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    for (const subscription of subscriptions) {
      const delivered = pushService.delivered(subscription);
      expect(delivered).toHaveLength(1);
      expect(delivered[0].payload).toMatchObject({
        messageId: sms.messageId,
        title: 'Grace Hopper',
      });
      expect(delivered[0].vapidProblem).toBeNull();
    }
    expect(mailsTo(member)).toEqual([]);
  });

  it('removes a subscription the push service answers 410, and emails the staff member who has no other', async () => {
    const member = await staffMember();
    const subscription = await subscribed(member);
    pushService.answer(subscription, 410);
    const sms = inbound(member, {
      body: 'Here is the whole message, which the email carries in full, not just its first words.',
    });
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    expect(await subscriptionsOf(member)).toEqual([]);
    expect(pushService.delivered(subscription)).toEqual([]);
    const mails = mailsTo(member);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('New SMS from Grace Hopper');
    expect(mails[0].text).toContain(
      'Here is the whole message, which the email carries in full, not just its first words.',
    );
    expect(mails[0].text).toContain(`/students/${sms.studentId}`);
  });

  it('removes a subscription answered 404 but emails nobody while another subscription works', async () => {
    const member = await staffMember();
    const [gone, working] = [await subscribed(member), await subscribed(member)];
    pushService.answer(gone, 404);
    const sms = inbound(member);
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    expect(await subscriptionsOf(member)).toEqual([working.endpoint]);
    expect(pushService.delivered(working)).toHaveLength(1);
    expect(mailsTo(member)).toEqual([]);
  });

  it('retries a push the service answered 500, and in the end pushes once to each subscription', async () => {
    const member = await staffMember();
    const [failing, working] = [await subscribed(member), await subscribed(member)];
    pushService.answer(failing, 500);
    const sms = inbound(member);
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    const attempts = pushService.pushes.filter((push) => push.endpoint === failing.endpoint);
    expect(attempts.map((push) => push.status)).toEqual([500, 201]);
    expect(pushService.delivered(failing)).toHaveLength(1);
    expect(pushService.delivered(working)).toHaveLength(1);
    expect(await subscriptionsOf(member)).toHaveLength(2);
    expect(mailsTo(member)).toEqual([]);
  });

  it('emails the staff member who has no subscription: the student in the subject, the full text', async () => {
    const member = await staffMember();
    const sms = inbound(member, {
      body: 'Line one of my question.\nLine two, with more detail.',
      media: [{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }],
    });
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    const mails = mailsTo(member);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toBe(member.email);
    expect(mails[0].subject).toBe('New SMS from Grace Hopper');
    expect(mails[0].text).toContain('Line one of my question.\nLine two, with more detail.');
    expect(mails[0].text).toContain('https://api.twilio.com/media/ME1 (image/jpeg)');
    expect(mails[0].text).toContain('Fidelis SMS dashboard');
  });

  it('names the phone in the email when the sender is unknown', async () => {
    const member = await staffMember();
    const sms = inbound(member, { studentId: null, studentName: null });
    await events.publish(InboundSmsStored, sms);

    await notified(sms.messageId);
    expect(mailsTo(member).map((mail) => mail.subject)).toEqual([`New SMS from ${sms.from}`]);
  });

  it('notifies once when the same event is delivered twice', async () => {
    const member = await staffMember();
    const subscription = await subscribed(member);
    const lonely = await staffMember();
    const pushed = inbound(member);
    const emailed = inbound(lonely);
    for (const sms of [pushed, emailed]) {
      const event = await events.publish(InboundSmsStored, sms);
      await events.republish(InboundSmsStored, event);
    }

    await notified(pushed.messageId);
    await notified(emailed.messageId);
    await drained(SUBSCRIPTIONS.notificationInboundSmsStored);
    expect(pushService.delivered(subscription)).toHaveLength(1);
    expect(mailsTo(lonely)).toHaveLength(1);
  });

  it('notifies nobody of a message whose number has no holder (admins see it in the global tab)', async () => {
    const member = await staffMember();
    await subscribed(member);
    const sms = inbound(null);
    const pushesBefore = pushService.pushes.length;
    const mailsBefore = smtp.mails.length;
    await events.publish(InboundSmsStored, sms);

    await drained(SUBSCRIPTIONS.notificationInboundSmsStored);
    expect(pushService.pushes.length).toBe(pushesBefore);
    expect(smtp.mails.length).toBe(mailsBefore);
  });
});
