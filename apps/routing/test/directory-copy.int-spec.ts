import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  NumberAssigned,
  NumberReleased,
  NumberUnassigned,
  StudentUpserted,
  StudentUpsertedPayload,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { createServiceDataSource } from '@fidelis/database';
import { eventually } from '../../../test/support/eventually';
import {
  drained,
  EventPublisher,
  handled,
  randomPhone,
  startPublisher,
} from '../../../test/support/events';
import { DATABASE_URL } from '../../../test/support/infrastructure';
import { startSystem, TestSystem } from '../../../test/support/system';
import { Student } from '../src/directory/student.entity';
import { StudentDirectory } from '../src/directory/student-directory';
import { NumberHolders } from '../src/number-holders/number-holders';

let system: TestSystem;
let events: EventPublisher;
let routingDb: DataSource;
let students: StudentDirectory;
let holders: NumberHolders;

const HOUR = 3_600_000;
const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

beforeAll(async () => {
  system = await startSystem();
  events = await startPublisher();
  routingDb = createServiceDataSource({
    url: DATABASE_URL,
    schema: 'routing',
    entities: [Student],
    migrations: [],
    poolSize: 2,
  });
  await routingDb.initialize();
  students = new StudentDirectory(routingDb);
  holders = new NumberHolders(routingDb);
});

afterAll(async () => {
  await routingDb?.destroy();
  await events?.close();
  await system?.close();
});

async function storedStudent(studentId: string) {
  const { rows } = await system.db.query<{ name: string; sms_phone: string | null }>(
    'SELECT name, sms_phone FROM routing.students WHERE student_id = $1',
    [studentId],
  );
  return rows;
}

const student = (overrides: Partial<StudentUpsertedPayload> = {}): StudentUpsertedPayload => ({
  studentId: `student-${randomUUID()}`,
  name: 'Ada Lovelace',
  email: 'ada@example.edu',
  smsPhone: randomPhone(),
  timezone: null,
  ...overrides,
});

describe("routing's copy of the students", () => {
  it('copies a student and applies a later update', async () => {
    const created = student();
    await events.publish(StudentUpserted, created);
    await eventually(async () =>
      expect(await storedStudent(created.studentId)).toEqual([
        { name: 'Ada Lovelace', sms_phone: created.smsPhone },
      ]),
    );

    const newPhone = randomPhone();
    await events.publish(StudentUpserted, { ...created, name: 'Ada King', smsPhone: newPhone });
    await eventually(async () =>
      expect(await storedStudent(created.studentId)).toEqual([
        { name: 'Ada King', sms_phone: newPhone },
      ]),
    );
  });

  it('keeps the newer student when an older StudentUpserted arrives after it', async () => {
    const now = new Date();
    const newer = student({ name: 'Newer name' });
    const older = { ...newer, name: 'Older name', smsPhone: randomPhone() };

    const first = await events.publish(StudentUpserted, newer, { occurredAt: now });
    await handled(system.db, SUBSCRIPTIONS.routingStudentUpserted, first);
    const late = await events.publish(StudentUpserted, older, { occurredAt: at(now, -60_000) });
    await handled(system.db, SUBSCRIPTIONS.routingStudentUpserted, late);

    expect(await storedStudent(newer.studentId)).toEqual([
      { name: 'Newer name', sms_phone: newer.smsPhone },
    ]);
  });

  it('has one effect when the same StudentUpserted is delivered twice', async () => {
    const created = student();
    const event = await events.publish(StudentUpserted, created);
    await events.republish(StudentUpserted, event);
    await handled(system.db, SUBSCRIPTIONS.routingStudentUpserted, event);
    await drained(SUBSCRIPTIONS.routingStudentUpserted);

    expect(await storedStudent(created.studentId)).toHaveLength(1);
    const { rows } = await system.db.query(
      'SELECT 1 FROM routing.processed_events WHERE event_id = $1',
      [event.eventId],
    );
    expect(rows).toHaveLength(1);
  });

  it('finds every student who shares a phone with byPhone(), and no longer one who changed it', async () => {
    const shared = randomPhone();
    const sister = student({ studentId: `student-a-${randomUUID()}`, smsPhone: shared });
    const brother = student({ studentId: `student-b-${randomUUID()}`, smsPhone: shared });
    const stranger = student();
    for (const payload of [sister, brother, stranger]) {
      await events.publish(StudentUpserted, payload);
    }

    await eventually(async () =>
      expect(await students.byPhone(shared)).toEqual([sister.studentId, brother.studentId]),
    );

    await events.publish(StudentUpserted, { ...brother, smsPhone: randomPhone() });
    await eventually(async () =>
      expect(await students.byPhone(shared)).toEqual([sister.studentId]),
    );
  });

  it('finds nobody by a phone no student has', async () => {
    expect(await students.byPhone(randomPhone())).toEqual([]);
  });
});

describe("routing's history of number holders", () => {
  const number = () => ({ numberId: randomUUID(), phoneNumber: randomPhone() });

  async function assign(
    held: { numberId: string; phoneNumber: string },
    staffId: string,
    startedAt: Date,
    assignmentId = randomUUID(),
  ) {
    const event = await events.publish(NumberAssigned, {
      ...held,
      staffId,
      assignmentId,
      startedAt: startedAt.toISOString(),
    });
    await handled(system.db, SUBSCRIPTIONS.routingNumberAssigned, event);
    return { assignmentId, event };
  }

  async function unassign(
    held: { numberId: string; phoneNumber: string },
    staffId: string,
    assignmentId: string,
    endedAt: Date,
  ) {
    const event = await events.publish(NumberUnassigned, {
      ...held,
      staffId,
      assignmentId,
      endedAt: endedAt.toISOString(),
    });
    await handled(system.db, SUBSCRIPTIONS.routingNumberUnassigned, event);
  }

  it('answers holderAt() before, during and after an assignment', async () => {
    const held = number();
    const start = new Date(Date.now() - 3 * HOUR);
    const end = at(start, HOUR);
    const { assignmentId } = await assign(held, 'coach-1', start);
    await unassign(held, 'coach-1', assignmentId, end);

    expect(await holders.holderAt(held.phoneNumber, at(start, -1))).toBeNull();
    expect(await holders.holderAt(held.phoneNumber, start)).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, at(start, HOUR / 2))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, end)).toBeNull();
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBeNull();
  });

  it("answers the new holder after a reassignment, even before the old assignment's end arrives", async () => {
    const held = number();
    const start = new Date(Date.now() - 3 * HOUR);
    const handover = at(start, HOUR);
    const first = await assign(held, 'coach-1', start);
    await assign(held, 'coach-2', handover);

    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, handover)).toBe('coach-2');
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBe('coach-2');

    await unassign(held, 'coach-1', first.assignmentId, handover);
    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBe('coach-2');
  });

  it('answers no holder once a later assignment ended, even while an earlier end is missing', async () => {
    const held = number();
    const start = new Date(Date.now() - 3 * HOUR);
    await assign(held, 'coach-1', start);
    const second = await assign(held, 'coach-2', at(start, HOUR));
    await unassign(held, 'coach-2', second.assignmentId, at(start, 2 * HOUR));

    expect(await holders.holderAt(held.phoneNumber, at(start, 90 * 60_000))).toBe('coach-2');
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBeNull();
  });

  it('ends with the right history when NumberUnassigned arrives before its NumberAssigned', async () => {
    const held = number();
    const assignmentId = randomUUID();
    const start = new Date(Date.now() - 3 * HOUR);
    const end = at(start, HOUR);
    await unassign(held, 'coach-1', assignmentId, end);
    await assign(held, 'coach-1', start, assignmentId);

    const { rows } = await system.db.query<{ started_at: Date; ended_at: Date }>(
      'SELECT started_at, ended_at FROM routing.number_assignments WHERE assignment_id = $1',
      [assignmentId],
    );
    expect(rows).toEqual([{ started_at: start, ended_at: end }]);
    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, end)).toBeNull();
  });

  it('keeps the end of an assignment when its NumberAssigned is delivered again', async () => {
    const held = number();
    const start = new Date(Date.now() - 3 * HOUR);
    const end = at(start, HOUR);
    const { assignmentId, event } = await assign(held, 'coach-1', start);
    await unassign(held, 'coach-1', assignmentId, end);
    await events.republish(NumberAssigned, event);
    await drained(SUBSCRIPTIONS.routingNumberAssigned);

    const { rows } = await system.db.query(
      'SELECT started_at, ended_at FROM routing.number_assignments WHERE number_id = $1',
      [held.numberId],
    );
    expect(rows).toEqual([{ started_at: start, ended_at: end }]);
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBeNull();
  });

  it('marks a released number and answers no holder after the release, even when a NumberAssigned comes late', async () => {
    const held = number();
    const start = new Date(Date.now() - 3 * HOUR);
    const releasedAt = at(start, HOUR);
    const released = await events.publish(NumberReleased, {
      ...held,
      twilioSid: `PN${randomUUID().replace(/-/g, '')}`,
      releasedAt: releasedAt.toISOString(),
      lastStaffId: 'coach-1',
    });
    await handled(system.db, SUBSCRIPTIONS.routingNumberReleased, released);
    await assign(held, 'coach-1', start);

    const { rows } = await system.db.query(
      'SELECT phone_number, released_at FROM routing.numbers WHERE number_id = $1',
      [held.numberId],
    );
    expect(rows).toEqual([{ phone_number: held.phoneNumber, released_at: releasedAt }]);
    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, releasedAt)).toBeNull();
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBeNull();
  });
});
