import { StudentUpserted, SUBSCRIPTIONS } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { EventPublisher, handled, startPublisher } from '../../../test/support/events';
import { startSystem, TestSystem } from '../../../test/support/system';
import {
  ADMIN,
  addStudents,
  hex,
  newStaff,
  reserveKnownNumbers,
  sendsTo,
  StaffWithNumber,
  studentPhone,
  studentRow,
  TestStudent,
} from './support/sending-fixtures';

let system: TestSystem;
let events: EventPublisher;

beforeAll(async () => {
  system = await startSystem({ env: { SEND_RATE_PER_NUMBER: '50' } });
  await reserveKnownNumbers(system);
  events = await startPublisher();
});

afterAll(async () => {
  await events?.close();
  await system?.close();
});

/**
 * Runs `work` while messaging's copy cannot catch up: every consumer of the owner's events waits
 * to record its event (`messaging.processed_events` is locked), as when events are a moment late.
 * Sends do not touch that table. Kept short: each waiting consumer holds a database connection.
 */
async function whileMessagingsCopyLags<T>(work: () => Promise<T>): Promise<T> {
  const client = await system.db.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE messaging.processed_events IN EXCLUSIVE MODE');
    return await work();
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const putStaff = async (staffId: string) => {
  const response = await system.api('PUT', `/api/staff/${staffId}`, {
    as: ADMIN,
    body: { name: 'Katherine Johnson', email: `${staffId}@example.edu`, role: 'coach' },
  });
  expect(response.status).toBe(200);
  return { staffId, role: 'coach' as const };
};

const putStudent = async (student: TestStudent) => {
  const { id, ...body } = student;
  const response = await system.api('PUT', `/api/students/${id}`, { as: ADMIN, body });
  expect(response.status).toBe(200);
  return response.body as { updatedAt: string };
};

const importStudents = async (students: TestStudent[]) => {
  const response = await system.api('POST', '/api/students/import', {
    as: ADMIN,
    body: students,
  });
  expect(response.status).toBe(200);
};

const buyNumber = async (staffId?: string) => {
  const response = await system.api('POST', '/api/numbers', {
    as: ADMIN,
    body: { areaCode: '415', ...(staffId ? { staffId } : {}) },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; phoneNumber: string };
};

const assign = async (numberId: string, staffId: string) => {
  const response = await system.api('PUT', `/api/numbers/${numberId}/assignee`, {
    as: ADMIN,
    body: { staffId },
  });
  expect(response.status).toBe(200);
};

const send = (as: StaffWithNumber['as'], studentId: string, body = 'See you at 5') =>
  system.api('POST', '/api/messages', { as, body: { studentId, body } });

/** The emulator got exactly one send to `to`, from `from`, with `body`. */
async function sentOnce(to: string, from: string, body = 'See you at 5') {
  await eventually(() => {
    const sends = sendsTo(system, to);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ from, body });
  });
}

describe('a send right after a change of the students', () => {
  let staff: StaffWithNumber;

  beforeAll(async () => {
    staff = await newStaff(system);
  });

  it('sends to a student upserted by the request just before', async () => {
    const student = studentRow();
    const response = await whileMessagingsCopyLags(async () => {
      await putStudent(student);
      return send(staff.as, student.id);
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      studentId: student.id,
      from: staff.number,
      to: student.smsPhone,
      status: 'queued',
    });
    await sentOnce(student.smsPhone!, staff.number);
  });

  it('sends to a student imported by the request just before', async () => {
    const student = studentRow();
    const response = await whileMessagingsCopyLags(async () => {
      await importStudents([studentRow(), student, studentRow()]);
      return send(staff.as, student.id);
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ from: staff.number, to: student.smsPhone });
    await sentOnce(student.smsPhone!, staff.number);
  });

  it('sends to the new phone of a student whose smsPhone was just changed', async () => {
    const student = studentRow();
    await addStudents(system, [student]);
    const moved = { ...student, smsPhone: studentPhone() };

    const response = await whileMessagingsCopyLags(async () => {
      await putStudent(moved);
      return send(staff.as, student.id);
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ to: moved.smsPhone });
    await sentOnce(moved.smsPhone, staff.number);
    expect(sendsTo(system, student.smsPhone!)).toEqual([]);
  });

  it('sends a bulk to 50 students imported by the request just before, each at their phone', async () => {
    const students = Array.from({ length: 50 }, () => studentRow());
    const response = await whileMessagingsCopyLags(async () => {
      await importStudents(students);
      return system.api('POST', '/api/messages/bulk', {
        as: staff.as,
        body: { studentIds: students.map((student) => student.id), body: 'Hi {{firstName}}' },
      });
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ total: 50 });
    await eventually(
      () => {
        for (const student of students) {
          const sends = sendsTo(system, student.smsPhone!);
          expect(sends).toHaveLength(1);
          expect(sends[0]).toMatchObject({ from: staff.number, body: 'Hi Ada' });
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it('still refuses a student nobody created (404), alone or among known ones in a bulk', async () => {
    const known = studentRow();
    const unknownId = `student-never-${hex()}`;
    const [one, bulk] = await whileMessagingsCopyLags(async () => {
      await importStudents([known]);
      return [
        await send(staff.as, unknownId),
        await system.api('POST', '/api/messages/bulk', {
          as: staff.as,
          body: { studentIds: [known.id, unknownId], body: 'Hi' },
        }),
      ];
    });

    expect(one.status).toBe(404);
    expect(one.body).toMatchObject({ code: 'STUDENT_NOT_FOUND' });
    expect(bulk.status).toBe(404);
    expect(bulk.body).toMatchObject({
      code: 'STUDENT_NOT_FOUND',
      message: '1 student(s) are unknown',
      details: { studentIds: [unknownId] },
    });
    expect(sendsTo(system, known.smsPhone!)).toEqual([]);
  });
});

describe('a send right after a change of the numbers', () => {
  let student: TestStudent;

  beforeAll(async () => {
    student = studentRow();
    await addStudents(system, [student]);
  });

  it('sends from a number bought for the sender by the request just before', async () => {
    const { response, number } = await whileMessagingsCopyLags(async () => {
      const sender = await putStaff(`coach-${hex()}`);
      const bought = await buyNumber(sender.staffId);
      return { response: await send(sender, student.id, 'bought'), number: bought.phoneNumber };
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ from: number, to: student.smsPhone });
    await eventually(() =>
      expect(sendsTo(system, student.smsPhone!, number)).toMatchObject([{ body: 'bought' }]),
    );
  });

  it('sends from a number assigned to the sender by the request just before', async () => {
    const spare = await buyNumber();
    const response = await whileMessagingsCopyLags(async () => {
      const sender = await putStaff(`coach-${hex()}`);
      await assign(spare.id, sender.staffId);
      return send(sender, student.id, 'assigned');
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ from: spare.phoneNumber, to: student.smsPhone });
    await eventually(() =>
      expect(sendsTo(system, student.smsPhone!, spare.phoneNumber)).toMatchObject([
        { body: 'assigned' },
      ]),
    );
  });

  it('refuses the old holder (409) and sends for the new one at once after a reassignment', async () => {
    const oldHolder = await newStaff(system);
    const newHolder = await newStaff(system, { withNumber: false });
    const { rows } = await system.db.query<{ id: string }>(
      // A released number keeps its row, and the emulator may sell the same number again.
      "SELECT id FROM numbers.phone_numbers WHERE phone_number = $1 AND status = 'active'",
      [oldHolder.number],
    );

    const [refused, sent] = await whileMessagingsCopyLags(async () => {
      await assign(rows[0].id, newHolder.as.staffId);
      return [
        await send(oldHolder.as, student.id, 'from the old holder'),
        await send(newHolder.as, student.id, 'from the new holder'),
      ];
    });

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'SENDER_HAS_NO_NUMBER' });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ staffId: newHolder.as.staffId, from: oldHolder.number });
    await eventually(() =>
      expect(sendsTo(system, student.smsPhone!, oldHolder.number)).toMatchObject([
        { body: 'from the new holder' },
      ]),
    );
  });

  it('still refuses a sender who holds no number (409)', async () => {
    const response = await whileMessagingsCopyLags(async () => {
      const sender = await putStaff(`coach-${hex()}`);
      return send(sender, student.id, 'no number');
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'SENDER_HAS_NO_NUMBER' });
  });
});

describe("the versions of messaging's copy", () => {
  let staff: StaffWithNumber;

  beforeAll(async () => {
    staff = await newStaff(system);
  });

  const payloadOf = (student: TestStudent) => ({
    studentId: student.id,
    name: student.name,
    email: student.email,
    smsPhone: student.smsPhone,
    timezone: null,
  });

  const copiedPhone = async (studentId: string) => {
    const { rows } = await system.db.query<{ sms_phone: string; updated_at: Date }>(
      'SELECT sms_phone, updated_at FROM messaging.students WHERE student_id = $1',
      [studentId],
    );
    return rows[0];
  };

  it("gives StudentUpserted the row's version as occurredAt, so the copy and the owner agree", async () => {
    const student = studentRow();
    const written = await putStudent(student);

    await eventually(async () =>
      expect(await copiedPhone(student.id)).toEqual({
        sms_phone: student.smsPhone,
        updated_at: new Date(written.updatedAt),
      }),
    );
  });

  it("orders one student's versions however close together the writes, and the copy ends at the last", async () => {
    const student = studentRow();
    const versions: string[] = [];
    for (const name of ['Ada One', 'Ada Two', 'Ada Three']) {
      versions.push((await putStudent({ ...student, name })).updatedAt);
    }
    await importStudents([{ ...student, name: 'Ada Imported' }]);
    const { rows } = await system.db.query<{ updated_at: Date }>(
      'SELECT updated_at FROM numbers.students WHERE id = $1',
      [student.id],
    );
    const imported = rows[0].updated_at;

    const times = [...versions.map((version) => Date.parse(version)), imported.getTime()];
    times.slice(1).forEach((time, index) => expect(time).toBeGreaterThan(times[index]));
    await eventually(async () => {
      const { rows: copied } = await system.db.query(
        'SELECT name, updated_at FROM messaging.students WHERE student_id = $1',
        [student.id],
      );
      expect(copied).toEqual([{ name: 'Ada Imported', updated_at: imported }]);
    });
  });

  it("keeps the owner's answer when the event of an earlier write arrives after it", async () => {
    const student = studentRow();
    const first = await putStudent(student);
    const moved = { ...student, smsPhone: studentPhone() };
    await putStudent(moved);
    const sent = await send(staff.as, student.id);
    expect(sent.body).toMatchObject({ to: moved.smsPhone });

    // The first write's event, delivered once more after the answer and the second write's event.
    const late = await events.publish(StudentUpserted, payloadOf(student), {
      occurredAt: new Date(first.updatedAt),
    });
    await handled(system.db, SUBSCRIPTIONS.messagingStudentUpserted, late);

    expect((await copiedPhone(student.id)).sms_phone).toBe(moved.smsPhone);
    await sentOnce(moved.smsPhone, staff.number);
  });

  it("does not let the owner's answer undo a newer event already in the copy", async () => {
    const student = studentRow();
    const written = await putStudent(student);
    // An event newer than the row the owner will answer (a write that commits after it answered).
    const newerPhone = studentPhone();
    const newer = await events.publish(
      StudentUpserted,
      { ...payloadOf(student), smsPhone: newerPhone },
      { occurredAt: new Date(new Date(written.updatedAt).getTime() + 60_000) },
    );
    await handled(system.db, SUBSCRIPTIONS.messagingStudentUpserted, newer);

    const sent = await send(staff.as, student.id);

    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ to: newerPhone });
    expect((await copiedPhone(student.id)).sms_phone).toBe(newerPhone);
  });
});

describe('a send while the owner does not answer', () => {
  let staff: StaffWithNumber;
  let known: TestStudent;
  let noNumber: StaffWithNumber;

  beforeAll(async () => {
    staff = await newStaff(system);
    noNumber = await newStaff(system, { withNumber: false });
    known = studentRow();
    await addStudents(system, [known]);
    await system.stop('numbers');
  });

  afterAll(async () => {
    await system.start('numbers');
  });

  it("sends to a student messaging's copy knows: the owner being down makes no known student unknown", async () => {
    const response = await send(staff.as, known.id, 'numbers is down');

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ from: staff.number, to: known.smsPhone });
    await sentOnce(known.smsPhone!, staff.number, 'numbers is down');
  });

  it('answers 503, not 404 or 409, for what the copy lacks', async () => {
    const unknown = await send(staff.as, `student-not-yet-${hex()}`);
    const withoutNumber = await send(noNumber.as, known.id);

    expect(unknown.status).toBe(503);
    expect(unknown.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(withoutNumber.status).toBe(503);
    expect(withoutNumber.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
