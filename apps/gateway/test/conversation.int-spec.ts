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
