import { randomBytes, randomInt } from 'node:crypto';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const phone = () => `+1628555${randomInt(1000, 10_000)}`;

let system: TestSystem;
const admin = { staffId: id('admin'), role: 'admin' as const };
const coach = { staffId: id('coach'), role: 'coach' as const };
const otherCoach = { staffId: id('coach'), role: 'coach' as const };
let coachNumber: string;

beforeAll(async () => {
  system = await startSystem();
  for (const staff of [coach, otherCoach]) {
    const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: { name: 'Carla Coach', email: `${staff.staffId}@example.edu`, role: 'coach' },
    });
    expect(response.status).toBe(200);
  }
  const bought = await system.api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '628', staffId: coach.staffId },
  });
  expect(bought.status).toBe(201);
  coachNumber = bought.body.phoneNumber;
});

afterAll(() => system?.close());

async function text(from: string, body: string) {
  const sent = await system.emulator.control('/inbound', { from, to: coachNumber, body });
  expect(sent.status).toBe(200);
}

const conversation = (contactPhone: string, as = coach) =>
  system.api('GET', `/api/sms/conversation?contactPhone=${encodeURIComponent(contactPhone)}`, {
    as,
  });

describe('GET /api/sms/conversation', () => {
  it("gives the caller's messages with one phone, oldest first, and no one else's", async () => {
    const stranger = phone();
    const someoneElse = phone();
    await text(stranger, 'Who is this?');
    await text(someoneElse, 'Wrong number');
    await text(stranger, 'Hello?');

    const messages = await eventually(async () => {
      const response = await conversation(stranger);
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(2);
      return response.body;
    });
    expect(messages.map((message: { body: string }) => message.body)).toEqual([
      'Who is this?',
      'Hello?',
    ]);
    expect(messages[0]).toMatchObject({ direction: 'inbound', from: stranger, to: coachNumber });

    const notTheirs = await conversation(stranger, otherCoach);
    expect(notTheirs.status).toBe(200);
    expect(notTheirs.body).toEqual([]);
  });

  it('refuses a request without contactPhone (400) and without a token (401)', async () => {
    const missing = await system.api('GET', '/api/sms/conversation', { as: coach });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/contactPhone/);

    const anonymous = await system.api('GET', `/api/sms/conversation?contactPhone=${phone()}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('paging a thread (limit, before)', () => {
  const bodiesOf = (response: { body: { body: string }[] }) =>
    response.body.map((message) => message.body);

  it('gives a conversation and a student history from the newest, a page at a time', async () => {
    const studentId = id('student');
    const studentPhone = phone();
    const created = await system.api('PUT', `/api/students/${studentId}`, {
      as: admin,
      body: { name: 'Pat Student', email: `${studentId}@example.edu`, smsPhone: studentPhone },
    });
    expect(created.status).toBe(200);
    for (const body of ['one', 'two', 'three', 'four', 'five']) {
      // The first send waits until messaging has its copy of the new student.
      await eventually(async () => {
        const sent = await system.api('POST', '/api/messages', {
          as: coach,
          body: { studentId, body },
        });
        expect(sent.status).toBe(202);
      });
    }

    for (const thread of [
      `/api/sms/conversation?contactPhone=${encodeURIComponent(studentPhone)}&`,
      `/api/students/${studentId}/messages?`,
    ]) {
      const newest = await system.api('GET', `${thread}limit=2`, { as: coach });
      expect(newest.status).toBe(200);
      expect(bodiesOf(newest)).toEqual(['four', 'five']);

      const older = await system.api('GET', `${thread}limit=2&before=${newest.body[0].id}`, {
        as: coach,
      });
      expect(bodiesOf(older)).toEqual(['two', 'three']);

      const first = await system.api('GET', `${thread}limit=2&before=${older.body[0].id}`, {
        as: coach,
      });
      expect(bodiesOf(first)).toEqual(['one']);

      const every = await system.api('GET', thread, { as: coach });
      expect(bodiesOf(every)).toEqual(['one', 'two', 'three', 'four', 'five']);
    }
  });

  it('refuses a limit out of range and a before that is not a message id (400)', async () => {
    const thread = `/api/sms/conversation?contactPhone=${phone()}`;
    for (const query of ['&limit=0', '&limit=501', '&limit=ten', '&before=yesterday']) {
      const refused = await system.api('GET', `${thread}${query}`, { as: coach });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.message)).toMatch(/limit|before|numeric/);
    }
    const student = await system.api('GET', '/api/students/anyone/messages?limit=0', {
      as: coach,
    });
    expect(student.status).toBe(400);
  });
});
