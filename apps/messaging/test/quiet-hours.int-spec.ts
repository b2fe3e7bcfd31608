import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { BulkProgressView, MessageView, Role } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';
import { zoneWhereItIs } from '../../../test/support/time-zones';

/**
 * Quiet hours (21:00–08:00 in the student's time zone) and scheduled sends, end to end. The
 * clock is the real one; the tests take control of what it means by choosing where the students
 * live: a zone where it is deep night now, and one where it is the middle of the day.
 */
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = parseInt(randomBytes(3).toString('hex'), 16);
const phone = (index: number) =>
  `+1917${String(2_000_000 + ((run * 131 + index * 7919) % 7_000_000)).padStart(7, '0')}`;

const NIGHT_ZONE = zoneWhereItIs([1, 2, 3, 4, 5]);
const DAY_ZONE = zoneWhereItIs([11, 12, 13, 14, 15, 16]);
/** The next 08:00 in `zone`, as the API writes it. */
const nextMorning = (zone: string) => {
  const now = DateTime.now().setZone(zone);
  const eight = now.startOf('day').set({ hour: 8 });
  return (eight > now ? eight : eight.plus({ days: 1 })).toUTC().toISO();
};

type Staff = { staffId: string; role: Role };
const admin: Staff = { staffId: id('admin'), role: 'admin' };
const coach: Staff = { staffId: id('coach'), role: 'coach' };
const other: Staff = { staffId: id('other'), role: 'coach' };

let system: TestSystem;
let coachNumber: string;
const night = { id: id('nia'), phone: phone(1) };
const nightToo = { id: id('noa'), phone: phone(2) };
const day = { id: id('dee'), phone: phone(3) };

beforeAll(async () => {
  system = await startSystem({ env: { QUIET_HOURS: '21:00-08:00', DEFAULT_TIMEZONE: DAY_ZONE } });
  for (const staff of [admin, coach, other]) {
    const put = await system.api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: {
        name: `Staff ${staff.staffId}`,
        email: `${staff.staffId}@example.edu`,
        role: staff.role,
      },
    });
    expect(put.status).toBe(200);
  }
  const students = [
    { ...night, name: 'Nia Night', timezone: NIGHT_ZONE },
    { ...nightToo, name: 'Noa Night', timezone: NIGHT_ZONE },
    // No time zone of her own: DEFAULT_TIMEZONE, where it is day.
    { ...day, name: 'Dee Day', timezone: null },
  ];
  for (const student of students) {
    const put = await system.api('PUT', `/api/students/${student.id}`, {
      as: admin,
      body: {
        name: student.name,
        email: `${student.id}@example.edu`,
        smsPhone: student.phone,
        timezone: student.timezone,
      },
    });
    expect(put.status).toBe(200);
  }
  coachNumber = await system.buyNumber(admin, coach.staffId);
  await eventually(async () => {
    const { rows } = await system.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messaging.students
        WHERE student_id = ANY($1) AND (timezone IS NOT NULL OR student_id = $2)`,
      [students.map((student) => student.id), day.id],
    );
    expect(rows[0].n).toBe(3);
  });
});

afterAll(async () => {
  await system?.close();
});

const send = (body: object, as: Staff = coach) => system.api('POST', '/api/messages', { as, body });
const message = async (messageId: string): Promise<MessageView> =>
  (await system.api('GET', `/api/messages/${messageId}`, { as: coach })).body;
/** What the emulator (Twilio) was asked to send to `to` with `body`. */
const atTwilio = (to: string, body: string) =>
  system.emulator.emulator.state.messages.filter((m) => m.to === to && m.body === body);

it("holds a one-to-one message in the student's night until 08:00 their time", async () => {
  const held = await send({ studentId: night.id, body: 'Reminder: essay due Friday' });

  expect(held.status).toBe(202);
  expect(held.body).toMatchObject({ status: 'scheduled', sendAt: nextMorning(NIGHT_ZONE) });
  const listed = await system.api('GET', '/api/messages/scheduled', { as: coach });
  expect(listed.body).toContainEqual(
    expect.objectContaining({ id: held.body.id, studentName: 'Nia Night' }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(atTwilio(night.phone, 'Reminder: essay due Friday')).toEqual([]);
  expect((await message(held.body.id)).status).toBe('scheduled');
});

it('sends at once to a student in their day (DEFAULT_TIMEZONE when they have none)', async () => {
  const sent = await send({ studentId: day.id, body: 'Class at noon' });

  expect(sent.body).toMatchObject({ status: 'queued', sendAt: null });
  await eventually(() => expect(atTwilio(day.phone, 'Class at noon')).toHaveLength(1));
});

it('answers at once, even at night, a student who wrote within the last 24 hours', async () => {
  await system.text(night.phone, coachNumber, 'Are you awake? Quick question');
  await eventually(async () => {
    const { rows } = await system.db.query(
      `SELECT 1 FROM messaging.messages WHERE direction = 'inbound' AND from_phone = $1`,
      [night.phone],
    );
    expect(rows).toHaveLength(1);
  });

  const reply = await send({ studentId: night.id, body: 'Yes, go ahead' });

  expect(reply.body).toMatchObject({ status: 'queued', sendAt: null });
  await eventually(() => expect(atTwilio(night.phone, 'Yes, go ahead')).toHaveLength(1));
});

it('sends a bulk at once to those awake and schedules the rest for their morning', async () => {
  const bulk = await system.api('POST', '/api/messages/bulk', {
    as: coach,
    body: { studentIds: [nightToo.id, day.id], body: 'Hi {{firstName}}, no class tomorrow' },
  });
  expect(bulk.status).toBe(202);

  const progress = await eventually(async () => {
    const response = await system.api('GET', `/api/messages/bulk/${bulk.body.bulkId}`, {
      as: coach,
    });
    const view = response.body as BulkProgressView;
    expect(view.sent + view.delivered).toBe(1);
    return view;
  });
  expect(progress).toMatchObject({ total: 2, scheduled: 1, queued: 0, done: false });
  expect(atTwilio(day.phone, 'Hi Dee, no class tomorrow')).toHaveLength(1);
  expect(atTwilio(nightToo.phone, 'Hi Noa, no class tomorrow')).toEqual([]);
  const { rows } = await system.db.query<{ send_at: Date }>(
    `SELECT send_at FROM messaging.messages WHERE bulk_id = $1 AND status = 'scheduled'`,
    [bulk.body.bulkId],
  );
  expect(rows.map((row) => row.send_at.toISOString())).toEqual([nextMorning(NIGHT_ZONE)]);
});

it('sends a message at the time asked for, once, and moves one asked for at night to the morning', async () => {
  const sendAt = new Date(Date.now() + 2_000).toISOString();
  const later = await send({ studentId: day.id, body: 'Your two-second reminder', sendAt });
  expect(later.status).toBe(202);
  expect(later.body).toMatchObject({ status: 'scheduled', sendAt });
  expect(atTwilio(day.phone, 'Your two-second reminder')).toEqual([]);
  await eventually(() => expect(atTwilio(day.phone, 'Your two-second reminder')).toHaveLength(1), {
    timeoutMs: 15_000,
  });
  await eventually(async () =>
    expect(['sent', 'delivered']).toContain((await message(later.body.id)).status),
  );

  const inAMinute = new Date(Date.now() + 60_000).toISOString();
  const atNight = await send({ studentId: night.id, body: 'In her night', sendAt: inAMinute });
  expect(atNight.body).toMatchObject({ status: 'scheduled', sendAt: nextMorning(NIGHT_ZONE) });
});

it('refuses a sendAt that is not a time in the future, storing nothing', async () => {
  const { rows: before } = await system.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM messaging.messages WHERE staff_id = $1',
    [coach.staffId],
  );
  for (const sendAt of ['tomorrow', '2020-01-01T00:00:00Z', new Date().toISOString(), 42]) {
    const refused = await send({ studentId: day.id, body: 'Never stored', sendAt });
    expect({ sendAt, status: refused.status }).toEqual({ sendAt, status: 400 });
    expect(refused.body.message).toMatch(/sendAt must be/);
  }
  const bulk = await system.api('POST', '/api/messages/bulk', {
    as: coach,
    body: { studentIds: [day.id], body: 'Never stored', sendAt: '2020-01-01T00:00:00Z' },
  });
  expect(bulk.status).toBe(400);
  const { rows: after } = await system.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM messaging.messages WHERE staff_id = $1',
    [coach.staffId],
  );
  expect(after[0].n).toBe(before[0].n);
});

it('cancels a scheduled message for its sender or an admin, never once it has gone', async () => {
  const sendAt = new Date(Date.now() + 3_600_000).toISOString();
  const first = await send({ studentId: day.id, body: 'In an hour', sendAt });
  const second = await send({ studentId: day.id, body: 'Also in an hour', sendAt });

  expect((await system.api('DELETE', `/api/messages/${first.body.id}`, { as: other })).status).toBe(
    404,
  );
  const canceled = await system.api('DELETE', `/api/messages/${first.body.id}`, { as: coach });
  expect(canceled.status).toBe(200);
  expect(canceled.body).toMatchObject({ id: first.body.id, status: 'canceled' });
  const byAdmin = await system.api('DELETE', `/api/messages/${second.body.id}`, { as: admin });
  expect(byAdmin.body).toMatchObject({ status: 'canceled' });
  const listed = await system.api('GET', '/api/messages/scheduled', { as: coach });
  expect(listed.body.map((m: MessageView) => m.id)).not.toContain(first.body.id);

  const gone = await send({ studentId: day.id, body: 'Already gone' });
  await eventually(() => expect(atTwilio(day.phone, 'Already gone')).toHaveLength(1));
  const late = await system.api('DELETE', `/api/messages/${gone.body.id}`, { as: coach });
  expect(late.status).toBe(409);
  expect(late.body.message).toContain('can no longer be canceled');
  expect((await system.api('DELETE', '/api/messages/not-a-message', { as: coach })).status).toBe(
    404,
  );
  await eventually(async () => {
    const audit = await system.api(
      'GET',
      `/api/audit?action=message.canceled&actor=${coach.staffId}`,
      { as: admin },
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({ targetId: day.id, after: { messageId: first.body.id, sendAt } }),
    ]);
  });
});

it('keeps scheduled messages across a restart of messaging and sends each once', async () => {
  const sendAt = new Date(Date.now() + 2_000).toISOString();
  const waiting = await send({ studentId: day.id, body: 'Sent after the restart', sendAt });
  expect(waiting.body.status).toBe('scheduled');

  await system.stop('messaging');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(atTwilio(day.phone, 'Sent after the restart')).toEqual([]);
  await system.start('messaging');

  await eventually(() => expect(atTwilio(day.phone, 'Sent after the restart')).toHaveLength(1), {
    timeoutMs: 15_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(atTwilio(day.phone, 'Sent after the restart')).toHaveLength(1);
});

it('tells the composer, before sending, when a text would go', async () => {
  const timeOf = async (studentId: string) =>
    (await system.api('GET', `/api/students/${studentId}/send-time`, { as: coach })).body;

  expect(await timeOf(nightToo.id)).toEqual({
    sendAt: nextMorning(NIGHT_ZONE),
    timezone: NIGHT_ZONE,
  });
  expect(await timeOf(day.id)).toEqual({ sendAt: null, timezone: DAY_ZONE });
  // Nia wrote to the coach's number in an earlier test: a conversation in progress.
  expect(await timeOf(night.id)).toEqual({ sendAt: null, timezone: NIGHT_ZONE });
  const unknown = await system.api('GET', '/api/students/nobody-here/send-time', { as: coach });
  expect(unknown.status).toBe(404);
});
