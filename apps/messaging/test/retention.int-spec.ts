import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { purgeOutboxBodies } from '@fidelis/broker';
import { Role } from '@fidelis/contracts';
import { DATABASE_URL } from '../../../test/support/infrastructure';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';
import { loadMessagingConfig } from '../src/config';

/**
 * Retention (RETENTION_DAYS=30) with the clock in the test's hands: the job is run through the
 * development route with a "now" 30 days after a moment the test picks, so the cutoff falls
 * between the messages written before it and those written after.
 */
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = parseInt(randomBytes(3).toString('hex'), 16);
const phone = (index: number) =>
  `+1646${String(2_000_000 + ((run * 131 + index * 7919) % 7_000_000)).padStart(7, '0')}`;
const DAY_MS = 86_400_000;

type Staff = { staffId: string; role: Role };
const admin: Staff = { staffId: id('admin'), role: 'admin' };
const carla: Staff = { staffId: id('carla'), role: 'coach' };
const sam = { id: id('sam'), phone: phone(1) }; // held
const una = { id: id('una'), phone: phone(2) }; // not held

let system: TestSystem;
let carlaNumber: { id: string; phoneNumber: string };

interface Row {
  id: string;
  body: string;
  media: unknown[];
  purged_at: Date | null;
  student_id: string | null;
  staff_id: string | null;
  from_phone: string;
  to_phone: string;
  status: string;
  direction: string;
  created_at: Date;
}

/** Who, when, from, to, status: what the audit needs, which retention keeps. */
const metadata = (row: Row) => ({
  id: row.id,
  student_id: row.student_id,
  staff_id: row.staff_id,
  from_phone: row.from_phone,
  to_phone: row.to_phone,
  status: row.status,
  direction: row.direction,
  created_at: row.created_at,
});

async function rowsOf(ids: string[]): Promise<Map<string, Row>> {
  const { rows } = await system.db.query<Row>(
    `SELECT id, body, media, purged_at, student_id, staff_id, from_phone, to_phone, status,
            direction, created_at FROM messaging.messages WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** An outbound message, once Twilio has it delivered (no send job left for it). */
async function send(studentId: string, body: string): Promise<string> {
  const sent = await system.api('POST', '/api/messages', { as: carla, body: { studentId, body } });
  expect(sent.status).toBe(202);
  await eventually(async () => {
    const row = (await rowsOf([sent.body.id])).get(sent.body.id);
    expect(row?.status).toBe('delivered');
  });
  return sent.body.id as string;
}

/** A reply from `from`, once stored. */
async function reply(from: string, body: string): Promise<string> {
  const sent = await system.emulator.control('/inbound', {
    from,
    to: carlaNumber.phoneNumber,
    body,
  });
  expect(sent.body).toMatchObject({ webhookStatus: 200 });
  const { messageSid } = sent.body as { messageSid: string };
  return eventually(async () => {
    const { rows } = await system.db.query<{ id: string }>(
      'SELECT id FROM messaging.messages WHERE twilio_sid = $1',
      [messageSid],
    );
    expect(rows).toHaveLength(1);
    return rows[0].id;
  });
}

async function auditEntries(action: string, since: Date) {
  const response = await system.api(
    'GET',
    `/api/audit?action=${action}&since=${since.toISOString()}`,
    { as: admin },
  );
  expect(response.status).toBe(200);
  return response.body.items as {
    actorId: string;
    targetType: string;
    targetId: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }[];
}

/** How many RetentionApplied each other service has handled. */
async function retentionsHandled(): Promise<number[]> {
  const { rows } = await system.db.query<{ count: number }>(
    `SELECT (SELECT count(*) FROM gateway.processed_events WHERE consumer = 'gateway.retention-applied')::int AS count
     UNION ALL
     SELECT (SELECT count(*) FROM routing.processed_events WHERE consumer = 'routing.retention-applied')::int
     UNION ALL
     SELECT (SELECT count(*) FROM notification.processed_events
              WHERE consumer = 'notification.retention-applied')::int`,
  );
  return rows.map((row) => row.count);
}

async function dbNow(): Promise<Date> {
  const { rows } = await system.db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0].now;
}

const runRetention = (now: Date) =>
  system.api('POST', '/api/dev/retention/run', { as: admin, body: { now: now.toISOString() } });

beforeAll(async () => {
  // Quiet hours off: the sends of this test must go now, whatever the hour in New York.
  system = await startSystem({ env: { RETENTION_DAYS: '30', QUIET_HOURS: 'off' } });
  for (const [staff, name] of [
    [admin, 'Ada Admin'],
    [carla, 'Carla Coach'],
  ] as const) {
    const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: { name, email: `${staff.staffId}@example.edu`, role: staff.role },
    });
    expect(response.status).toBe(200);
  }
  for (const [student, name] of [
    [sam, 'Sam Held'],
    [una, 'Una Free'],
  ] as const) {
    const response = await system.api('PUT', `/api/students/${student.id}`, {
      as: admin,
      body: { name, smsPhone: student.phone },
    });
    expect(response.status).toBe(200);
  }
  const bought = await system.api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '646', staffId: carla.staffId },
  });
  expect(bought.status).toBe(201);
  carlaNumber = bought.body;
  // Holds an earlier run of this file left would keep its messages and change the counts.
  await system.db.query('DELETE FROM messaging.legal_holds');
  // Messaging's copy knows both students (a hold is only on a student it knows).
  await eventually(async () => {
    const { rows } = await system.db.query(
      'SELECT 1 FROM messaging.students WHERE student_id = ANY($1)',
      [[sam.id, una.id]],
    );
    expect(rows).toHaveLength(2);
  });
}, 120_000);

afterAll(async () => {
  if (carlaNumber) await system.api('DELETE', `/api/numbers/${carlaNumber.id}`, { as: admin });
  await system?.close();
});

it('refuses a bad RETENTION_DAYS at boot, naming it, and keeps everything when it is unset', () => {
  for (const bad of ['0', '-1', '30d', '1.5', 'forever', '100000']) {
    expect(() => loadMessagingConfig({ RETENTION_DAYS: bad })).toThrow(
      /RETENTION_DAYS: must be a positive whole number of days/,
    );
  }
  expect(loadMessagingConfig({ RETENTION_DAYS: '365' }).RETENTION_DAYS).toBe(365);
  expect(loadMessagingConfig({}).RETENTION_DAYS).toBeUndefined();
  expect(loadMessagingConfig({ RETENTION_DAYS: '' }).RETENTION_DAYS).toBeUndefined();
});

it('refuses bad legal-hold and retention requests with 400/403/404 and changes nothing', async () => {
  const since = await dbNow();
  const path = `/api/students/${una.id}/legal-hold`;
  const refused = [
    await system.api('PUT', path, { as: admin, body: { reason: 42 } }),
    await system.api('PUT', path, { as: admin, body: { reason: 'x'.repeat(501) } }),
    await system.api('PUT', path, { as: admin, body: ['case 1'] }),
    await system.api('PUT', path, {
      as: admin,
      raw: { type: 'application/json', text: '"case 1"' },
    }),
    await system.api('PUT', path, {
      as: admin,
      raw: { type: 'application/json', text: '{"reason":' },
    }),
  ];
  for (const response of refused) {
    expect(response.status).toBe(400);
    // (Malformed JSON is refused by the gateway's parser, before any code: no `code` then.)
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  }
  expect(refused[0].body).toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringMatching(/reason/),
  });
  expect(refused[2].body).toMatchObject({ message: 'the body must be a JSON object' });
  const unknown = await system.api('PUT', `/api/students/${id('nobody')}/legal-hold`, {
    as: admin,
    body: {},
  });
  expect(unknown.status).toBe(404);
  expect((await system.api('PUT', path, { as: carla, body: {} })).status).toBe(403);
  expect((await system.api('DELETE', path, { as: carla })).status).toBe(403);

  const badNow = await system.api('POST', '/api/dev/retention/run', {
    as: admin,
    body: { now: 'next month' },
  });
  expect(badNow.status).toBe(400);
  expect(badNow.body.message).toMatch(/now must be an ISO 8601 time/);
  expect((await system.api('POST', '/api/dev/retention/run', { as: carla, body: {} })).status).toBe(
    403,
  );

  // Nothing changed: no hold, no audit entry, no run.
  const hold = await system.api('GET', path, { as: admin });
  expect(hold.body).toMatchObject({ studentId: una.id, held: false });
  const { rows } = await system.db.query(
    'SELECT 1 FROM messaging.legal_holds WHERE student_id = $1',
    [una.id],
  );
  expect(rows).toHaveLength(0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await auditEntries('student.legal-hold-set', since)).toHaveLength(0);
  expect(await auditEntries('retention.purged', since)).toHaveLength(0);
});

it('purges text and media older than the cutoff, except a held student’s, and nothing newer', async () => {
  const since = await dbNow();
  // Before the cutoff: a message each way with each student, and a bulk to both.
  const oldToSam = await send(sam.id, 'old words for sam: pineapple');
  const oldFromSam = await reply(sam.phone, 'old reply from sam: pineapple');
  const oldToUna = await send(una.id, 'old words for una: pineapple');
  const oldFromUna = await reply(una.phone, 'old reply from una: pineapple');
  const bulk = await system.api('POST', '/api/messages/bulk', {
    as: carla,
    body: { studentIds: [sam.id, una.id], body: 'old bulk {{firstName}}: pineapple' },
  });
  expect(bulk.status).toBe(202);
  const bulkMessages = await eventually(async () => {
    const { rows } = await system.db.query<{ id: string; student_id: string; status: string }>(
      'SELECT id, student_id, status FROM messaging.messages WHERE bulk_id = $1',
      [bulk.body.bulkId],
    );
    expect(rows.map((row) => row.status)).toEqual(['delivered', 'delivered']);
    return rows;
  });
  const bulkToSam = bulkMessages.find((row) => row.student_id === sam.id)!.id;
  const bulkToUna = bulkMessages.find((row) => row.student_id === una.id)!.id;

  const held = await system.api('PUT', `/api/students/${sam.id}/legal-hold`, {
    as: admin,
    body: { reason: 'case 2026-17' },
  });
  expect(held.status).toBe(200);
  expect(held.body).toMatchObject({
    studentId: sam.id,
    held: true,
    reason: 'case 2026-17',
    setBy: admin.staffId,
  });

  await new Promise((resolve) => setTimeout(resolve, 50));
  const cutoff = await dbNow();
  await new Promise((resolve) => setTimeout(resolve, 50));
  // After the cutoff: these must come through every run untouched.
  const newToUna = await send(una.id, 'new words for una: pineapple');
  const newFromUna = await reply(una.phone, 'new reply from una: pineapple');
  const all = [
    oldToSam,
    oldFromSam,
    oldToUna,
    oldFromUna,
    bulkToSam,
    bulkToUna,
    newToUna,
    newFromUna,
  ];
  const before = await rowsOf(all);

  const handledBefore = await retentionsHandled();
  const first = await runRetention(new Date(cutoff.getTime() + 30 * DAY_MS));
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({
    cutoff: cutoff.toISOString(),
    heldStudents: 1,
    purged: { 'messaging.outbox': 0 },
  });
  // Una's three, and whatever an earlier run of this file left in the database before the cutoff.
  const firstCount = first.body.purged['messaging.messages'] as number;
  expect(firstCount).toBeGreaterThanOrEqual(3);
  let after = await rowsOf(all);
  for (const messageId of [oldToUna, oldFromUna, bulkToUna]) {
    const row = after.get(messageId)!;
    expect(row.body).toBe('');
    expect(row.media).toEqual([]);
    expect(row.purged_at).not.toBeNull();
    // What the audit needs stays: who, when, from, to, status.
    expect(metadata(row)).toEqual(metadata(before.get(messageId)!));
  }
  for (const messageId of [oldToSam, oldFromSam, bulkToSam, newToUna, newFromUna]) {
    expect(after.get(messageId)).toEqual(before.get(messageId));
  }
  // The API and the search show the purge: no text, and the words are no longer found.
  const purged = await system.api('GET', `/api/messages/${oldFromUna}`, { as: admin });
  expect(purged.body).toMatchObject({ body: '', media: [], from: una.phone, status: 'received' });
  const found = await system.api('GET', '/api/sms?q=pineapple&limit=200', { as: admin });
  const foundIds = (found.body.items as { id: string }[]).map((row) => row.id);
  expect(foundIds).toEqual(expect.arrayContaining([oldToSam, oldFromSam, newToUna, newFromUna]));
  expect(foundIds).not.toContain(oldToUna);
  expect(foundIds).not.toContain(oldFromUna);
  expect(foundIds).not.toContain(bulkToUna);

  const [entry] = await eventually(async () => {
    // (The gateway's own entry appears too when an earlier run left old bulks.)
    const entries = (await auditEntries('retention.purged', since)).filter(
      (purge) => purge.targetId === 'messaging',
    );
    expect(entries).toHaveLength(1);
    return entries;
  });
  expect(entry).toMatchObject({
    actorId: admin.staffId,
    targetType: 'retention',
    targetId: 'messaging',
    after: {
      cutoff: cutoff.toISOString(),
      retentionDays: 30,
      heldStudents: 1,
      purged: { 'messaging.messages': firstCount },
    },
  });
  // Every other service has applied the same cutoff and holds.
  await eventually(async () =>
    expect(await retentionsHandled()).toEqual(handledBefore.map((count) => count + 1)),
  );
  // The bulk reached a held student: its text stays, in messaging and in the audit trail.
  const { rows: keptBulk } = await system.db.query<{ body: string }>(
    'SELECT body FROM messaging.bulks WHERE id = $1',
    [bulk.body.bulkId],
  );
  expect(keptBulk[0].body).toBe('old bulk {{firstName}}: pineapple');
  const [bulkSent] = await auditEntries('bulk.sent', since);
  expect(bulkSent.after).toMatchObject({ body: 'old bulk {{firstName}}: pineapple' });

  // Lifted: the next run purges Sam's old messages and the bulk, and still nothing newer.
  const lifted = await system.api('DELETE', `/api/students/${sam.id}/legal-hold`, { as: admin });
  expect(lifted.status).toBe(200);
  expect(lifted.body).toMatchObject({ studentId: sam.id, held: false });
  const second = await runRetention(new Date(cutoff.getTime() + 30 * DAY_MS));
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({
    heldStudents: 0,
    purged: { 'messaging.messages': 3, 'messaging.bulks': 1 },
  });
  after = await rowsOf(all);
  for (const messageId of [oldToSam, oldFromSam, bulkToSam]) {
    expect(after.get(messageId)).toMatchObject({ body: '', media: [] });
  }
  for (const messageId of [newToUna, newFromUna]) {
    expect(after.get(messageId)).toEqual(before.get(messageId));
  }
  const { rows: bulks } = await system.db.query<{ body: string }>(
    'SELECT body FROM messaging.bulks WHERE id = $1',
    [bulk.body.bulkId],
  );
  expect(bulks[0].body).toBe('');
  // The gateway empties the bulk's audited text too, and audits that it did.
  await eventually(async () => {
    const [entry] = await auditEntries('bulk.sent', since);
    expect(entry.after).toMatchObject({ body: '', recipients: 2 });
    const purges = await auditEntries('retention.purged', since);
    expect(purges.find((purge) => purge.targetId === 'gateway')).toMatchObject({
      actorId: 'system',
      after: { cutoff: cutoff.toISOString(), purged: { 'gateway.audit_entries': 1 } },
    });
  });

  const audited = await auditEntries('student.legal-hold-set', since);
  expect(audited).toEqual([
    expect.objectContaining({
      actorId: admin.staffId,
      targetType: 'student',
      targetId: sam.id,
      after: { held: true, reason: 'case 2026-17' },
    }),
  ]);
  expect(await auditEntries('student.legal-hold-lifted', since)).toEqual([
    expect.objectContaining({ actorId: admin.staffId, targetId: sam.id }),
  ]);
}, 120_000);

it("empties old envelopes' text in an outbox, except a held phone's and newer ones", async () => {
  const db = new Pool({ connectionString: DATABASE_URL, max: 1 });
  const schema = 'retention_outbox_test';
  try {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(
      `CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, routing_key text NOT NULL,
         envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const old = new Date(Date.now() - 40 * DAY_MS);
    const envelope = (payload: object) => ({ eventId: id('e'), type: 'T', payload });
    const media = [{ url: 'https://example.com/a.jpg', contentType: 'image/jpeg' }];
    const rows: [object, Date][] = [
      [envelope({ from: una.phone, to: '+14155550100', body: 'old', media }), old],
      [envelope({ sms: { from: una.phone, to: '+1415', body: 'old routed', media } }), old],
      [envelope({ after: { from: '+1415', recipients: 2, body: 'old bulk' } }), old],
      [envelope({ from: sam.phone, to: '+14155550100', body: 'held', media }), old],
      [envelope({ from: una.phone, to: '+14155550100', body: 'new', media }), new Date()],
      [envelope({ studentId: 'x', name: 'no text here' }), old],
    ];
    for (const [value, at] of rows) {
      await db.query(
        `INSERT INTO ${schema}.outbox (routing_key, envelope, created_at) VALUES ('k', $1, $2)`,
        [value, at],
      );
    }
    const client = await db.connect();
    const manager = {
      query: async (sql: string, params: unknown[]) => {
        const result = await client.query(sql, params);
        return [result.rows, result.rowCount];
      },
    } as unknown as Parameters<typeof purgeOutboxBodies>[0];
    try {
      const cutoff = new Date(Date.now() - 30 * DAY_MS);
      expect(await purgeOutboxBodies(manager, schema, cutoff, [sam.phone])).toBe(3);
      expect(await purgeOutboxBodies(manager, schema, cutoff, [sam.phone])).toBe(0);
    } finally {
      client.release();
    }
    const { rows: after } = await db.query<{
      envelope: { payload: Record<string, Record<string, unknown>> };
    }>(`SELECT envelope FROM ${schema}.outbox ORDER BY id`);
    const payloads = after.map((row) => row.envelope.payload);
    expect(payloads[0]).toMatchObject({ from: una.phone, body: '', media: [] });
    expect(payloads[1].sms).toMatchObject({ from: una.phone, body: '', media: [] });
    expect(payloads[2].after).toEqual({ from: '+1415', recipients: 2, body: '' });
    expect(payloads[3]).toMatchObject({ body: 'held', media });
    expect(payloads[4]).toMatchObject({ body: 'new', media });
    expect(payloads[5]).toEqual({ studentId: 'x', name: 'no text here' });
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  }
});

it('runs the daily job once a day: at start when due, not again after a restart the same day', async () => {
  const since = await dbNow();
  const systemRuns = async () =>
    (await auditEntries('retention.purged', since)).filter(
      (entry) => entry.actorId === 'system' && entry.targetId === 'messaging',
    );
  // Booted before: the job ran then (or another test's boot did, within the day).
  const { rows: ran } = await system.db.query<{ last_run_at: Date | null }>(
    'SELECT last_run_at FROM messaging.retention_job',
  );
  expect(ran[0].last_run_at).not.toBeNull();

  await system.stop('messaging');
  await system.start('messaging');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await systemRuns()).toHaveLength(0);

  // A day later (the row says so), the next start runs it, once.
  await system.db.query(
    "UPDATE messaging.retention_job SET last_run_at = now() - interval '25 hours'",
  );
  await system.stop('messaging');
  await system.start('messaging');
  await eventually(async () => expect(await systemRuns()).toHaveLength(1));
  const { rows: after } = await system.db.query<{ recent: boolean }>(
    "SELECT last_run_at > now() - interval '1 minute' AS recent FROM messaging.retention_job",
  );
  expect(after[0].recent).toBe(true);
}, 120_000);
