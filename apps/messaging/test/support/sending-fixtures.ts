import { randomBytes, randomInt } from 'node:crypto';
import { Role } from '@fidelis/contracts';
import { eventually } from '../../../../test/support/eventually';
import { TestSystem } from '../../../../test/support/system';

export const hex = () => randomBytes(4).toString('hex');
export const ADMIN = { staffId: `admin-${hex()}`, role: 'admin' as Role };

/** A valid US number (415) for a student; random enough not to meet an earlier run's. */
export const studentPhone = () => `+1415${randomInt(2_000_000, 9_000_000)}`;

export interface StaffWithNumber {
  as: { staffId: string; role: Role };
  email: string;
  number: string;
}

/**
 * The test database outlives the emulator: numbers it still records as active must not be sold
 * again by this run's fresh emulator.
 */
export async function reserveKnownNumbers(system: TestSystem): Promise<void> {
  const { rows } = await system.db.query<{ phone_number: string }>(
    "SELECT phone_number FROM numbers.phone_numbers WHERE status = 'active'",
  );
  for (const row of rows) system.emulator.emulator.state.unavailableNumbers.add(row.phone_number);
}

/** A staff member, with a number of their own (bought at the emulator) unless told otherwise. */
export async function newStaff(
  system: TestSystem,
  options: { withNumber?: boolean; email?: string } = {},
): Promise<StaffWithNumber> {
  const staffId = `coach-${hex()}`;
  const email = options.email ?? `${staffId}@example.edu`;
  const created = await system.api('PUT', `/api/staff/${staffId}`, {
    as: ADMIN,
    body: { name: 'Grace Hopper', email, role: 'coach' },
  });
  expect(created.status).toBe(200);
  let number = '';
  if (options.withNumber ?? true) {
    const bought = await system.api('POST', '/api/numbers', {
      as: ADMIN,
      body: { areaCode: '415', staffId },
    });
    expect(bought.status).toBe(201);
    number = (bought.body as { phoneNumber: string }).phoneNumber;
  }
  // Messaging learns the staff member and the assignment from events.
  await eventually(async () => {
    const { rows } = await system.db.query(
      `SELECT (SELECT count(*) FROM messaging.staff WHERE staff_id = $1)::int AS staff,
              (SELECT count(*) FROM messaging.number_assignments WHERE staff_id = $1)::int AS numbers`,
      [staffId],
    );
    expect(rows[0]).toEqual({ staff: 1, numbers: options.withNumber === false ? 0 : 1 });
  });
  return { as: { staffId, role: 'coach' }, email, number };
}

export interface TestStudent {
  id: string;
  name: string;
  email: string | null;
  smsPhone: string | null;
}

export function studentRow(overrides: Partial<TestStudent> = {}): TestStudent {
  const id = `student-${hex()}`;
  return {
    id,
    name: 'Ada Lovelace',
    email: `${id}@example.edu`,
    smsPhone: studentPhone(),
    ...overrides,
  };
}

/** Imports students through the API and waits until messaging has its copy of each. */
export async function addStudents(system: TestSystem, students: TestStudent[]): Promise<void> {
  const imported = await system.api('POST', '/api/students/import', {
    as: ADMIN,
    body: students,
  });
  expect(imported.status).toBe(200);
  await eventually(
    async () => {
      const { rows } = await system.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM messaging.students WHERE student_id = ANY($1)',
        [students.map((student) => student.id)],
      );
      expect(rows[0].n).toBe(students.length);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** The sends the emulator accepted to `to` (optionally only from `from`). */
export function sendsTo(system: TestSystem, to: string, from?: string) {
  return system.emulator.emulator.state.messages.filter(
    (message) =>
      message.direction === 'outbound-api' &&
      message.to === to &&
      (from === undefined || message.from === from),
  );
}

/** The most sends in any one-second window of `times` (ms). */
export function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= 1_000) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
