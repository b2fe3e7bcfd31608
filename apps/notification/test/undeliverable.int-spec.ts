import { randomBytes, randomUUID } from 'node:crypto';
import { Role, SmsStatusChanged, SmsStatusChangedPayload } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { EventPublisher, handled, startPublisher } from '../../../test/support/events';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { readMail } from '../../../test/support/mail-text';
import { SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink';
import { startSystem, TestSystem } from '../../../test/support/system';

let system: TestSystem;
let events: EventPublisher;
let smtp: SmtpSink;

const admin = { staffId: `admin-${randomUUID()}`, role: 'admin' as Role };
const sender = {
  staffId: `coach-${randomUUID()}`,
  role: 'coach' as Role,
  email: `coach-${randomBytes(4).toString('hex')}@example.edu`,
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  events = await startPublisher();
  const response = await system.api('PUT', `/api/staff/${sender.staffId}`, {
    as: admin,
    body: { name: 'Ada Coach', email: sender.email, role: sender.role },
  });
  expect(response.status).toBe(200);
  await eventually(async () => {
    const { rows } = await system.db.query('SELECT 1 FROM notification.staff WHERE staff_id = $1', [
      sender.staffId,
    ]);
    expect(rows).toHaveLength(1);
  });
});

afterAll(async () => {
  await events?.close();
  await system?.close();
  await smtp?.close();
});

const mailsToSender = () => smtp.to(sender.email).map((mail) => readMail(mail.raw));

async function student(fields: { smsPhone?: string; email?: string } = {}) {
  const studentId = `student-${randomUUID()}`;
  const response = await system.api('PUT', `/api/students/${studentId}`, {
    as: admin,
    body: { name: 'Grace Hopper', ...fields },
  });
  expect(response.status).toBe(200);
  return studentId;
}

function statusChanged(overrides: Partial<SmsStatusChangedPayload>): SmsStatusChangedPayload {
  return {
    messageId: randomUUID(),
    direction: 'outbound',
    studentId: null,
    staffId: sender.staffId,
    from: '+14155550100',
    to: null,
    status: 'undeliverable',
    errorCode: null,
    twilioSid: null,
    fallback: null,
    bulkId: null,
    segments: 1,
    changedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('telling the sender a message is undeliverable', () => {
  it('emails the sender once when a message of theirs reaches the student neither by SMS nor by email', async () => {
    const studentId = await student();
    const change = statusChanged({ studentId });
    const first = await events.publish(SmsStatusChanged, change);
    const second = await events.publish(SmsStatusChanged, { ...change });
    await handled(system.db, SUBSCRIPTIONS.notificationSmsStatusChanged, first);
    await handled(system.db, SUBSCRIPTIONS.notificationSmsStatusChanged, second);

    const mails = mailsToSender().filter((mail) => mail.subject.includes('Grace Hopper'));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Not delivered: your message to Grace Hopper');
    expect(mails[0].text).toContain('neither an SMS phone nor an email address');
  });

  it('emails the sender the text of a message sent through the API to a student with neither phone nor email', async () => {
    const number = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: sender.staffId },
    });
    expect(number.status).toBe(201);
    const studentId = await student();
    // Messaging learns of the student and the number through events: 404/409 until it has.
    await eventually(async () => {
      const sent = await system.api('POST', '/api/messages', {
        as: sender,
        body: { studentId, body: 'Your certificate is ready, pick it up on Friday.' },
        headers: { 'Idempotency-Key': `undeliverable-${studentId}` },
      });
      expect(sent.status).toBe(202);
    });

    const mail = await eventually(
      () => {
        const mails = mailsToSender().filter((candidate) =>
          candidate.text.includes('Your certificate is ready, pick it up on Friday.'),
        );
        expect(mails).toHaveLength(1);
        return mails[0];
      },
      { timeoutMs: 20_000 },
    );
    expect(mail.subject).toBe('Not delivered: your message to Grace Hopper');
  });

  it('says nothing of other status changes, inbound messages or messages without a sender', async () => {
    const before = mailsToSender().length;
    const quiet = [
      statusChanged({ status: 'delivered' }),
      statusChanged({ status: 'failed', fallback: null }),
      statusChanged({ direction: 'inbound', status: 'received' }),
      statusChanged({ staffId: null }),
    ];
    for (const change of quiet) {
      const event = await events.publish(SmsStatusChanged, change);
      await handled(system.db, SUBSCRIPTIONS.notificationSmsStatusChanged, event);
    }
    expect(mailsToSender()).toHaveLength(before);
  });
});
