import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  NumberAssigned,
  NumberReleased,
  NumberUnassigned,
  StaffUpserted,
  StaffUpsertedPayload,
  StudentUpserted,
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
import { NumberHolders } from '../src/number-holders/number-holders';

let system: TestSystem;
let events: EventPublisher;
let messagingDb: DataSource;
let holders: NumberHolders;

const HOUR = 3_600_000;
const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

beforeAll(async () => {
  system = await startSystem();
  events = await startPublisher();
  messagingDb = createServiceDataSource({
    url: DATABASE_URL,
    schema: 'messaging',
    entities: [],
    migrations: [],
    poolSize: 2,
  });
  await messagingDb.initialize();
  holders = new NumberHolders(messagingDb);
});

afterAll(async () => {
  await messagingDb?.destroy();
  await events?.close();
  await system?.close();
});

async function storedStaff(staffId: string) {
  const { rows } = await system.db.query<{ name: string; email: string; role: string }>(
    'SELECT name, email, role FROM messaging.staff WHERE staff_id = $1',
    [staffId],
  );
  return rows;
}

const staffMember = (overrides: Partial<StaffUpsertedPayload> = {}): StaffUpsertedPayload => ({
  staffId: `staff-${randomUUID()}`,
  name: 'Grace Hopper',
  email: 'grace@example.edu',
  role: 'coach',
  ...overrides,
});

describe("messaging's copy of the directory", () => {
  it('copies a student with email and SMS phone, and applies a later update', async () => {
    const studentId = `student-${randomUUID()}`;
    const phone = randomPhone();
    await events.publish(StudentUpserted, {
      studentId,
      name: 'Ada Lovelace',
      email: 'ada@example.edu',
      smsPhone: phone,
      timezone: 'Europe/London',
    });
    const query = () =>
      system.db.query(
        'SELECT name, email, sms_phone FROM messaging.students WHERE student_id = $1',
        [studentId],
      );
    await eventually(async () =>
      expect((await query()).rows).toEqual([
        { name: 'Ada Lovelace', email: 'ada@example.edu', sms_phone: phone },
      ]),
    );

    await events.publish(StudentUpserted, {
      studentId,
      name: 'Ada King',
      email: null,
      smsPhone: null,
      timezone: null,
    });
    await eventually(async () =>
      expect((await query()).rows).toEqual([{ name: 'Ada King', email: null, sms_phone: null }]),
    );
  });

  it('copies a staff member and applies a later update', async () => {
    const created = staffMember();
    await events.publish(StaffUpserted, created);
    await eventually(async () =>
      expect(await storedStaff(created.staffId)).toEqual([
        { name: 'Grace Hopper', email: 'grace@example.edu', role: 'coach' },
      ]),
    );

    await events.publish(StaffUpserted, { ...created, role: 'coach_manager' });
    await eventually(async () =>
      expect(await storedStaff(created.staffId)).toEqual([
        { name: 'Grace Hopper', email: 'grace@example.edu', role: 'coach_manager' },
      ]),
    );
  });

  it('keeps the newer staff member when an older StaffUpserted arrives after it', async () => {
    const now = new Date();
    const newer = staffMember({ email: 'new@example.edu' });
    const first = await events.publish(StaffUpserted, newer, { occurredAt: now });
    await handled(system.db, SUBSCRIPTIONS.messagingStaffUpserted, first);
    const late = await events.publish(
      StaffUpserted,
      { ...newer, email: 'old@example.edu' },
      { occurredAt: at(now, -60_000) },
    );
    await handled(system.db, SUBSCRIPTIONS.messagingStaffUpserted, late);

    expect(await storedStaff(newer.staffId)).toEqual([
      { name: 'Grace Hopper', email: 'new@example.edu', role: 'coach' },
    ]);
  });

  it('has one effect when the same StaffUpserted is delivered twice', async () => {
    const created = staffMember();
    const event = await events.publish(StaffUpserted, created);
    await events.republish(StaffUpserted, event);
    await handled(system.db, SUBSCRIPTIONS.messagingStaffUpserted, event);
    await drained(SUBSCRIPTIONS.messagingStaffUpserted);

    expect(await storedStaff(created.staffId)).toHaveLength(1);
    const { rows } = await system.db.query(
      'SELECT 1 FROM messaging.processed_events WHERE event_id = $1',
      [event.eventId],
    );
    expect(rows).toHaveLength(1);
  });
});

describe("messaging's history of number holders", () => {
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
    await handled(system.db, SUBSCRIPTIONS.messagingNumberAssigned, event);
    return assignmentId;
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
    await handled(system.db, SUBSCRIPTIONS.messagingNumberUnassigned, event);
  }

  it('answers the number a staff member holds now, across reassignment and release', async () => {
    const [coach, manager] = [`coach-${randomUUID()}`, `manager-${randomUUID()}`];
    const [first, second] = [number(), number()];
    const start = new Date(Date.now() - 3 * HOUR);
    expect(await holders.currentNumberOf(coach)).toBeNull();

    const coachOnFirst = await assign(first, coach, start);
    expect(await holders.currentNumberOf(coach)).toEqual(first);

    // The first number goes to the manager; the coach's NumberUnassigned has not arrived yet.
    const managerOnFirst = await assign(first, manager, at(start, HOUR));
    expect(await holders.currentNumberOf(coach)).toBeNull();
    expect(await holders.currentNumberOf(manager)).toEqual(first);

    await unassign(first, coach, coachOnFirst, at(start, HOUR));
    await assign(second, coach, at(start, 2 * HOUR));
    expect(await holders.currentNumberOf(coach)).toEqual(second);

    const releasedAt = at(start, 150 * 60_000);
    const released = await events.publish(NumberReleased, {
      ...first,
      twilioSid: `PN${randomUUID().replace(/-/g, '')}`,
      releasedAt: releasedAt.toISOString(),
      lastStaffId: manager,
    });
    await handled(system.db, SUBSCRIPTIONS.messagingNumberReleased, released);
    expect(await holders.currentNumberOf(manager)).toBeNull();
    expect(await holders.holderAt(first.phoneNumber, at(releasedAt, -1))).toBe(manager);
    expect(await holders.holderAt(first.phoneNumber, releasedAt)).toBeNull();

    await unassign(first, manager, managerOnFirst, releasedAt);
    expect(await holders.currentNumberOf(manager)).toBeNull();
  });

  it('answers holderAt() before, during and after an assignment and after reassignment', async () => {
    const held = number();
    const start = new Date(Date.now() - 4 * HOUR);
    const first = await assign(held, 'coach-1', start);
    await unassign(held, 'coach-1', first, at(start, HOUR));
    await assign(held, 'coach-2', at(start, 2 * HOUR));

    expect(await holders.holderAt(held.phoneNumber, at(start, -1))).toBeNull();
    expect(await holders.holderAt(held.phoneNumber, at(start, HOUR / 2))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, at(start, 90 * 60_000))).toBeNull();
    expect(await holders.holderAt(held.phoneNumber, at(start, 2 * HOUR))).toBe('coach-2');
    expect(await holders.holderAt(held.phoneNumber, new Date())).toBe('coach-2');
  });

  it('ends with the right history when NumberUnassigned arrives before its NumberAssigned', async () => {
    const held = number();
    const assignmentId = randomUUID();
    const start = new Date(Date.now() - 3 * HOUR);
    const end = at(start, HOUR);
    await unassign(held, 'coach-1', assignmentId, end);
    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBeNull();
    await assign(held, 'coach-1', start, assignmentId);

    const { rows } = await system.db.query(
      'SELECT staff_id, started_at, ended_at FROM messaging.number_assignments WHERE assignment_id = $1',
      [assignmentId],
    );
    expect(rows).toEqual([{ staff_id: 'coach-1', started_at: start, ended_at: end }]);
    expect(await holders.holderAt(held.phoneNumber, at(start, 1))).toBe('coach-1');
    expect(await holders.holderAt(held.phoneNumber, end)).toBeNull();
    expect(await holders.currentNumberOf('coach-1')).not.toEqual(held);
  });
});
