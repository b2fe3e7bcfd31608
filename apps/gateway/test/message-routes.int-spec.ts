import { randomBytes } from 'node:crypto';
import { GlobalSmsRow, MessageView, NumberView, Role } from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';

/**
 * Why each message went where it went (`route` on GET /api/messages/:id), "Needs attention" in
 * the global tab, and the actions that clear it: linking an unknown phone, picking the student
 * of an ambiguous message, assigning a number nobody held.
 */
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = parseInt(randomBytes(3).toString('hex'), 16);
/** A US number unique to this run and index, valid for libphonenumber. */
const phone = (index: number) =>
  `+1646${String(2_000_000 + ((run * 131 + index * 7919) % 7_000_000)).padStart(7, '0')}`;

type Staff = { staffId: string; role: Role };
const admin: Staff = { staffId: id('admin'), role: 'admin' };
const manager: Staff = { staffId: id('manager'), role: 'instructor_manager' };
const carla: Staff = { staffId: id('carla'), role: 'coach' };
const dana: Staff = { staffId: id('dana'), role: 'coach' };

let system: TestSystem;
const bought: NumberView[] = [];

async function putStaff(staff: Staff, name: string): Promise<void> {
  const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
    as: admin,
    body: { name, email: `${staff.staffId}@example.edu`, role: staff.role },
  });
  expect(response.status).toBe(200);
}

async function putStudent(name: string, smsPhone: string | null, studentId = id('student')) {
  const response = await system.api('PUT', `/api/students/${studentId}`, {
    as: admin,
    body: { name, smsPhone },
  });
  expect(response.status).toBe(200);
  return studentId;
}

async function buy(staffId?: string): Promise<NumberView> {
  const response = await system.api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '646', staffId },
  });
  expect(response.status).toBe(201);
  bought.push(response.body);
  return response.body;
}

/** Routing and messaging have copied the students and who holds each number now. */
async function copiesKnow(studentIds: string[], holders: { numberId: string; staffId: string }[]) {
  await eventually(async () => {
    const { rows } = await system.db.query<{ students: number; holders: number }>(
      `SELECT (SELECT count(*) FROM routing.students WHERE student_id = ANY($1))::int +
              (SELECT count(*) FROM messaging.students WHERE student_id = ANY($1))::int
                AS students,
              (SELECT count(*) FROM routing.number_assignments a
                 JOIN unnest($2::text[], $3::text[]) h(number_id, staff_id)
                   ON a.number_id::text = h.number_id AND a.staff_id = h.staff_id
                WHERE a.ended_at IS NULL)::int AS holders`,
      [studentIds, holders.map((h) => h.numberId), holders.map((h) => h.staffId)],
    );
    expect(rows[0]).toEqual({ students: studentIds.length * 2, holders: holders.length });
  });
}

/** A phone texts one of our numbers; the message as GET /api/messages/:id shows it once stored. */
async function text(from: string, to: string, body: string): Promise<MessageView> {
  const sent = await system.emulator.control('/inbound', { from, to, body });
  expect(sent.body).toMatchObject({ webhookStatus: 200 });
  const { messageSid } = sent.body as { messageSid: string };
  const row = await eventually(async () => {
    const { rows } = await system.db.query<{ id: string }>(
      'SELECT id FROM messaging.messages WHERE twilio_sid = $1',
      [messageSid],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  });
  return message(row.id);
}

async function message(messageId: string): Promise<MessageView> {
  const response = await system.api('GET', `/api/messages/${messageId}`, { as: admin });
  expect(response.status).toBe(200);
  return response.body;
}

async function globalTab(query: string, as: Staff = admin): Promise<GlobalSmsRow[]> {
  const response = await system.api('GET', `/api/sms?limit=200&${query}`, { as });
  expect(response.status).toBe(200);
  return response.body.items;
}

const needsAttention = async (messageId: string) =>
  (await globalTab('attention=true')).find((row) => row.id === messageId)?.attention ?? null;

let carlaNumber: NumberView;

beforeAll(async () => {
  system = await startSystem();
  await putStaff(admin, 'Ada Admin');
  await putStaff(manager, 'Mo Manager');
  await putStaff(carla, 'Carla Coach');
  await putStaff(dana, 'Dana Dean');
  carlaNumber = await buy(carla.staffId);
});

afterAll(async () => {
  for (const number of bought) {
    await system.api('DELETE', `/api/numbers/${number.id}`, { as: admin });
  }
  await system?.close();
});

it("routes by the student's SMS phone, to whoever held the number, since when", async () => {
  const sam = await putStudent('Sam Student', phone(1));
  await copiesKnow([sam], [{ numberId: carlaNumber.id, staffId: carla.staffId }]);

  const received = await text(phone(1), carlaNumber.phoneNumber, 'Can we meet tomorrow?');

  expect(received).toMatchObject({ studentId: sam, staffId: carla.staffId, status: 'received' });
  expect(received.route).toEqual({
    student: { by: 'smsPhone', candidates: [sam] },
    staff: { id: carla.staffId, heldSince: carlaNumber.assignedAt },
  });
  expect(await needsAttention(received.id)).toBeNull();

  const reply = await system.api('POST', '/api/messages', {
    as: carla,
    body: { studentId: sam, body: 'Yes, 3pm works' },
  });
  expect(reply.status).toBe(202);
  expect((await message(reply.body.id)).route).toBeNull();
});

it('gives a shared phone to the student of the latest conversation on the number', async () => {
  const shared = phone(2);
  const [kim, lee] = [
    await putStudent('Kim Sibling', shared),
    await putStudent('Lee Sibling', shared),
  ];
  await copiesKnow([kim, lee], [{ numberId: carlaNumber.id, staffId: carla.staffId }]);
  const sent = await system.api('POST', '/api/messages', {
    as: carla,
    body: { studentId: lee, body: 'Lee, your essay is due Friday' },
  });
  expect(sent.status).toBe(202);

  const received = await text(shared, carlaNumber.phoneNumber, 'Thanks, will do');

  expect(received.studentId).toBe(lee);
  expect(received.route?.student).toEqual({
    by: 'latestConversation',
    candidates: expect.arrayContaining([kim, lee]),
  });
  expect(received.route?.student.candidates).toHaveLength(2);
  expect(await needsAttention(received.id)).toBeNull();
});

it('keeps an unknown sender in Needs attention until an admin links the phone to a student', async () => {
  const stranger = phone(3);

  const received = await text(stranger, carlaNumber.phoneNumber, 'Who is this?');

  expect(received).toMatchObject({ studentId: null, staffId: carla.staffId });
  expect(received.route?.student).toEqual({ by: null, candidates: [] });
  expect(await needsAttention(received.id)).toBe('unknown-sender');
  // The tab's link opens the phone's history: every number's for an admin or a manager, only
  // her own for a coach.
  const history = async (as: Staff) =>
    (
      await system.api(
        'GET',
        `/api/sms/conversation?contactPhone=${encodeURIComponent(stranger)}`,
        {
          as,
        },
      )
    ).body.map((m: MessageView) => m.id);
  expect(await history(admin)).toEqual([received.id]);
  expect(await history(manager)).toEqual([received.id]);
  expect(await history(carla)).toEqual([received.id]);
  expect(await history(dana)).toEqual([]);

  const ravi = await putStudent('Ravi Newcomer', stranger);
  await eventually(async () => expect((await message(received.id)).studentId).toBe(ravi));
  expect(await needsAttention(received.id)).toBeNull();
  // The decision at arrival stays as it was made.
  expect((await message(received.id)).route?.student).toEqual({ by: null, candidates: [] });
});

it('keeps an ambiguous message until staff pick one of its candidates, and audits the pick', async () => {
  const shared = phone(4);
  const [ana, bea] = [await putStudent('Ana Twin', shared), await putStudent('Bea Twin', shared)];
  await copiesKnow([ana, bea], [{ numberId: carlaNumber.id, staffId: carla.staffId }]);

  const received = await text(shared, carlaNumber.phoneNumber, 'Is class on today?');

  expect(received.studentId).toBeNull();
  expect(received.route?.student.by).toBeNull();
  expect([...(received.route?.student.candidates ?? [])].sort()).toEqual([ana, bea].sort());
  expect(await needsAttention(received.id)).toBe('ambiguous');

  const pick = (studentId: string, as: Staff = manager) =>
    system.api('PUT', `/api/messages/${received.id}/student`, { as, body: { studentId } });
  expect((await pick(ana, carla)).status).toBe(403);
  const stranger = await pick('someone-else');
  expect(stranger.status).toBe(400);
  expect(stranger.body.message).toContain('one of the students sharing the phone');
  expect((await pick('')).status).toBe(400);

  const picked = await pick(bea);
  expect(picked.status).toBe(200);
  expect(picked.body).toMatchObject({ id: received.id, studentId: bea });
  expect((await pick(ana)).status).toBe(409);
  expect(await needsAttention(received.id)).toBeNull();
  const history = await system.api('GET', `/api/students/${bea}/messages`, { as: carla });
  expect(history.body.map((m: MessageView) => m.id)).toContain(received.id);
  await eventually(async () => {
    const audit = await system.api(
      'GET',
      `/api/audit?action=message.attributed&actor=${manager.staffId}`,
      {
        as: admin,
      },
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({ targetId: received.id, after: { studentId: bea } }),
    ]);
  });

  // The pick is now the latest conversation: the next message from the phone follows it.
  const next = await text(shared, carlaNumber.phoneNumber, 'Thanks!');
  expect(next.studentId).toBe(bea);
  expect(next.route?.student.by).toBe('latestConversation');
});

it('hands the replies to a number nobody held to the staff member it is assigned to', async () => {
  const unheld = await buy();
  const tia = await putStudent('Tia Student', phone(5));
  await copiesKnow([tia], []);

  const received = await text(phone(5), unheld.phoneNumber, 'Hello? Anyone there?');

  expect(received).toMatchObject({ studentId: tia, staffId: null, status: 'unroutable' });
  expect(received.route?.staff).toEqual({ id: null, heldSince: null });
  expect(await needsAttention(received.id)).toBe('no-holder');

  const assigned = await system.api('PUT', `/api/numbers/${unheld.id}/assignee`, {
    as: admin,
    body: { staffId: dana.staffId },
  });
  expect(assigned.status).toBe(200);
  await eventually(async () =>
    expect(await message(received.id)).toMatchObject({ staffId: dana.staffId, status: 'received' }),
  );
  expect(await needsAttention(received.id)).toBeNull();
  const tile = await system.api('GET', '/api/sms/tile', { as: dana });
  expect(tile.body.map((row: { contactPhone: string }) => row.contactPhone)).toContain(phone(5));
  expect((await message(received.id)).route?.staff).toEqual({ id: null, heldSince: null });
});

it('names the new holder after a reassignment, since the reassignment', async () => {
  const number = await buy(manager.staffId);
  const uma = await putStudent('Uma Student', phone(6));
  const reassigned = await system.api('PUT', `/api/numbers/${number.id}/assignee`, {
    as: admin,
    body: { staffId: admin.staffId },
  });
  expect(reassigned.status).toBe(200);
  await copiesKnow([uma], [{ numberId: number.id, staffId: admin.staffId }]);

  const after = await text(phone(6), number.phoneNumber, 'second');

  expect(after.staffId).toBe(admin.staffId);
  expect(after.route?.staff).toEqual({ id: admin.staffId, heldSince: reassigned.body.assignedAt });
  expect(Date.parse(reassigned.body.assignedAt)).toBeGreaterThan(Date.parse(number.assignedAt!));
});

it('marks the words that matched a search, and bounds the tab by dates', async () => {
  const zoe = await putStudent('Zoe Student', phone(7));
  await copiesKnow([zoe], [{ numberId: carlaNumber.id, staffId: carla.staffId }]);
  const word = `quiz${run}`;
  const received = await text(
    phone(7),
    carlaNumber.phoneNumber,
    `Is the ${word} about meetings? Meeting notes?`,
  );

  const hits = await globalTab(`q=${encodeURIComponent(`${word} meeting`)}`);
  expect(hits.map((row) => row.id)).toEqual([received.id]);
  expect([...hits[0].matches].sort()).toEqual(['Meeting', 'meetings', word].sort());
  expect((await globalTab('direction=inbound'))[0].matches).toEqual([]);

  const at = Date.parse(received.createdAt);
  const window = (since: number, until: number) =>
    globalTab(
      `q=${word}&since=${new Date(since).toISOString()}&until=${new Date(until).toISOString()}`,
    );
  expect((await window(at, at + 1)).map((row) => row.id)).toEqual([received.id]);
  expect(await window(at + 1, at + 60_000)).toEqual([]);
  expect(await window(at - 60_000, at)).toEqual([]);
  const bad = await system.api('GET', '/api/sms?since=yesterday', { as: admin });
  expect(bad.status).toBe(400);
  const badAttention = await system.api('GET', '/api/sms?attention=maybe', { as: admin });
  expect(badAttention.status).toBe(400);
});

it('audits who sent what: an entry per message, one per bulk', async () => {
  const since = new Date().toISOString();
  const [one, two] = [
    await putStudent('Ola Student', phone(8)),
    await putStudent('Pia Student', phone(9)),
  ];
  await copiesKnow([one, two], [{ numberId: carlaNumber.id, staffId: carla.staffId }]);

  const single = await system.api('POST', '/api/messages', {
    as: carla,
    body: { studentId: one, body: 'See you at 5' },
  });
  const bulk = await system.api('POST', '/api/messages/bulk', {
    as: carla,
    body: { studentIds: [one, two], body: 'Hi {{firstName}}, class moves to 6pm.' },
  });
  expect([single.status, bulk.status]).toEqual([202, 202]);

  const entries = await eventually(async () => {
    const audit = await system.api('GET', `/api/audit?actor=${carla.staffId}&since=${since}`, {
      as: admin,
    });
    expect(audit.body.items).toHaveLength(2);
    return audit.body.items;
  });
  expect(entries).toEqual([
    expect.objectContaining({
      action: 'bulk.sent',
      targetId: bulk.body.bulkId,
      after: {
        from: carlaNumber.phoneNumber,
        recipients: 2,
        body: 'Hi {{firstName}}, class moves to 6pm.',
        scheduled: 0,
        sendAt: null,
      },
    }),
    expect.objectContaining({
      action: 'message.sent',
      targetType: 'student',
      targetId: one,
      after: {
        messageId: single.body.id,
        from: carlaNumber.phoneNumber,
        to: phone(8),
        segments: 1,
        sendAt: null,
      },
    }),
  ]);
});
