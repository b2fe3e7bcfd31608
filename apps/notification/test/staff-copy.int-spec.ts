import { randomUUID } from 'node:crypto';
import { StaffUpserted, StaffUpsertedPayload, SUBSCRIPTIONS } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { drained, EventPublisher, handled, startPublisher } from '../../../test/support/events';
import { startSystem, TestSystem } from '../../../test/support/system';

let system: TestSystem;
let events: EventPublisher;

beforeAll(async () => {
  system = await startSystem();
  events = await startPublisher();
});

afterAll(async () => {
  await events?.close();
  await system?.close();
});

async function storedStaff(staffId: string) {
  const { rows } = await system.db.query<{
    name: string;
    email: string;
    role: string;
    updated_at: Date;
  }>('SELECT name, email, role, updated_at FROM notification.staff WHERE staff_id = $1', [staffId]);
  return rows;
}

const staffMember = (overrides: Partial<StaffUpsertedPayload> = {}): StaffUpsertedPayload => ({
  staffId: `staff-${randomUUID()}`,
  name: 'Katherine Johnson',
  email: 'katherine@example.edu',
  role: 'instructor',
  ...overrides,
});

describe("notification's copy of the staff", () => {
  it('copies a staff member and applies a later update', async () => {
    const created = staffMember();
    const first = await events.publish(StaffUpserted, created);
    await eventually(async () =>
      expect(await storedStaff(created.staffId)).toEqual([
        {
          name: 'Katherine Johnson',
          email: 'katherine@example.edu',
          role: 'instructor',
          updated_at: new Date(first.occurredAt),
        },
      ]),
    );

    await events.publish(StaffUpserted, { ...created, email: 'kj@example.edu', role: 'admin' });
    await eventually(async () =>
      expect(await storedStaff(created.staffId)).toMatchObject([
        { name: 'Katherine Johnson', email: 'kj@example.edu', role: 'admin' },
      ]),
    );
  });

  it('keeps the newer staff member when an older StaffUpserted arrives after it', async () => {
    const now = new Date();
    const newer = staffMember({ name: 'Newer name' });
    const first = await events.publish(StaffUpserted, newer, { occurredAt: now });
    await handled(system.db, SUBSCRIPTIONS.notificationStaffUpserted, first);
    const late = await events.publish(
      StaffUpserted,
      { ...newer, name: 'Older name', role: 'coach' },
      { occurredAt: new Date(now.getTime() - 60_000) },
    );
    await handled(system.db, SUBSCRIPTIONS.notificationStaffUpserted, late);

    expect(await storedStaff(newer.staffId)).toEqual([
      {
        name: 'Newer name',
        email: 'katherine@example.edu',
        role: 'instructor',
        updated_at: now,
      },
    ]);
  });

  it('has one effect when the same StaffUpserted is delivered twice', async () => {
    const created = staffMember();
    const event = await events.publish(StaffUpserted, created);
    await events.republish(StaffUpserted, event);
    await handled(system.db, SUBSCRIPTIONS.notificationStaffUpserted, event);
    await drained(SUBSCRIPTIONS.notificationStaffUpserted);

    expect(await storedStaff(created.staffId)).toHaveLength(1);
    const { rows } = await system.db.query(
      'SELECT 1 FROM notification.processed_events WHERE event_id = $1',
      [event.eventId],
    );
    expect(rows).toHaveLength(1);
  });
});
