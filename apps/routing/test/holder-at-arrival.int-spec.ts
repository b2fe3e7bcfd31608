import { randomBytes, randomInt } from 'node:crypto';
import { Role } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const admin = { staffId: id('admin'), role: 'admin' as Role };

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.close();
});

async function putStaff(): Promise<{ staffId: string; role: Role }> {
  const staff = { staffId: id('coach'), role: 'coach' as Role };
  const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
    as: admin,
    body: { name: 'Mary Jackson', email: `${staff.staffId}@example.edu`, role: 'coach' },
  });
  expect(response.status).toBe(200);
  return staff;
}

/** Waits until routing's copy has the student and the number's current holder. */
async function routingKnows(studentId: string, numberId: string, staffId: string) {
  await eventually(async () => {
    const { rows } = await system.db.query(
      `SELECT (SELECT count(*) FROM routing.students WHERE student_id = $1)::int AS students,
              (SELECT count(*) FROM routing.number_assignments
                WHERE number_id = $2 AND staff_id = $3 AND ended_at IS NULL)::int AS holders`,
      [studentId, numberId, staffId],
    );
    expect(rows[0]).toEqual({ students: 1, holders: 1 });
  });
}

async function storedInbound(messageSid: string) {
  return eventually(
    async () => {
      const { rows } = await system.db.query<{ staff_id: string | null; student_id: string }>(
        `SELECT staff_id, student_id FROM messaging.messages
          WHERE direction = 'inbound' AND twilio_sid = $1`,
        [messageSid],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    },
    { timeoutMs: 30_000 },
  );
}

const tileHas = async (staff: { staffId: string; role: Role }, contactPhone: string) => {
  const response = await system.api('GET', '/api/sms/tile', { as: staff });
  expect(response.status).toBe(200);
  return (response.body as { contactPhone: string }[]).some(
    (row) => row.contactPhone === contactPhone,
  );
};

describe('a reply that waits for routing', () => {
  it('goes to whoever held the number when it arrived, though the number changed hands before routing came back', async () => {
    const oldHolder = await putStaff();
    const newHolder = await putStaff();
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: oldHolder.staffId },
    });
    expect(bought.status).toBe(201);
    const number = bought.body as { id: string; phoneNumber: string };
    const studentId = id('student');
    const studentPhone = `+1415${randomInt(2_000_000, 9_000_000)}`;
    const student = await system.api('PUT', `/api/students/${studentId}`, {
      as: admin,
      body: { name: 'Dorothy Vaughan', smsPhone: studentPhone },
    });
    expect(student.status).toBe(200);
    await routingKnows(studentId, number.id, oldHolder.staffId);

    await system.stop('routing');
    const reply = await system.emulator.control('/inbound', {
      from: studentPhone,
      to: number.phoneNumber,
      body: 'sent while routing was down',
    });
    expect(reply.body).toMatchObject({ webhookStatus: 200 });
    const reassigned = await system.api('PUT', `/api/numbers/${number.id}/assignee`, {
      as: admin,
      body: { staffId: newHolder.staffId },
    });
    expect(reassigned.status).toBe(200);
    await system.start('routing');

    const stored = await storedInbound((reply.body as { messageSid: string }).messageSid);
    expect(stored).toEqual({ staff_id: oldHolder.staffId, student_id: studentId });
    expect(await tileHas(oldHolder, studentPhone)).toBe(true);
    expect(await tileHas(newHolder, studentPhone)).toBe(false);
  });
});
