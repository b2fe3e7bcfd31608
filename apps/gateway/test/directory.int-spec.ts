import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role, ROLES } from '@fidelis/contracts';
import { parse } from 'csv-parse/sync';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';
import { tokenFor } from '../../../test/support/tokens';

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const run = randomBytes(3).toString('hex');

let system: TestSystem;
const admin = { staffId: id('admin'), role: 'admin' as Role };
const coach = { staffId: id('coach'), role: 'coach' as Role };

/** A US mobile-or-landline number that is unique to this run and the given index. */
const phone = (index: number) =>
  `+1415${String(2_000_000 + ((parseInt(run, 16) * 97 + index) % 7_000_000)).padStart(7, '0')}`;

beforeAll(async () => {
  system = await startSystem();
  for (const staff of [admin, coach]) {
    const response = await system.api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: { name: `Test ${staff.role}`, email: `${staff.staffId}@example.edu`, role: staff.role },
    });
    expect(response.status).toBe(200);
  }
});

afterAll(async () => {
  await system?.close();
});

describe('authentication', () => {
  const signed = (claims: object, options: jwt.SignOptions = {}, secret = 'dev-secret') =>
    jwt.sign(claims, secret, { algorithm: 'HS256', ...options });

  it.each([
    ['no token', undefined],
    ['an expired token', signed({ sub: 'x', role: 'admin' }, { expiresIn: -10 })],
    ['a token signed with another secret', signed({ sub: 'x', role: 'admin' }, {}, 'other')],
    [
      'an unsigned token (alg none)',
      jwt.sign({ sub: 'x', role: 'admin' }, '', { algorithm: 'none' }),
    ],
    ['an unknown role', signed({ sub: 'x', role: 'janitor' })],
    ['no staff id', signed({ role: 'admin' })],
    ['garbage', 'not.a.token'],
  ])('answers 401 to %s', async (_case, token) => {
    const response = await system.api('GET', '/api/me', { token });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('answers 401 to an Authorization header that is not a bearer token', async () => {
    const response = await system.api('GET', '/api/me', {
      headers: { Authorization: 'Basic abc' },
    });
    expect(response.status).toBe(401);
  });

  const adminOnly: [string, string, unknown?][] = [
    ['PUT', '/api/staff/someone', { name: 'n', email: 'n@example.edu', role: 'coach' }],
    ['PUT', '/api/students/someone', { name: 'n' }],
    ['POST', '/api/students/import', [{ id: 's', name: 'n' }]],
    ['GET', '/api/audit'],
    ['GET', '/api/numbers'],
  ];

  it.each(ROLES.filter((role) => role !== 'admin'))(
    'answers 403 to a %s on every admin-only route',
    async (role) => {
      for (const [method, path, body] of adminOnly) {
        const response = await system.api(method, path, { as: { staffId: 'x', role }, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
      }
    },
  );

  it('lets admins and managers list staff, and refuses the other roles', async () => {
    const statuses = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => {
          const response = await system.api('GET', '/api/staff', { as: { staffId: 'x', role } });
          return [role, response.status] as const;
        }),
      ),
    );
    expect(statuses).toEqual({
      admin: 200,
      coach_manager: 200,
      instructor_manager: 200,
      coach: 403,
      instructor: 403,
      mentor_coach: 403,
    });
  });
});

describe('staff', () => {
  it('upserts a staff member by id and lists them', async () => {
    const staffId = id('staff');
    const created = await system.api('PUT', `/api/staff/${staffId}`, {
      as: admin,
      body: { name: 'Marie Curie', email: 'marie@example.edu', role: 'instructor' },
    });
    const updated = await system.api('PUT', `/api/staff/${staffId}`, {
      as: admin,
      body: {
        name: 'Marie Skłodowska-Curie',
        email: 'marie@example.edu',
        role: 'instructor_manager',
      },
    });

    expect(created.body).toMatchObject({ id: staffId, role: 'instructor' });
    expect(updated.body).toMatchObject({
      id: staffId,
      name: 'Marie Skłodowska-Curie',
      role: 'instructor_manager',
    });
    const list = await system.api('GET', '/api/staff', { as: admin });
    expect(list.body.filter((staff: { id: string }) => staff.id === staffId)).toEqual([
      updated.body,
    ]);
  });

  it('refuses a bad email or role with 400 naming the field, and stores nothing', async () => {
    const staffId = id('staff');
    const response = await system.api('PUT', `/api/staff/${staffId}`, {
      as: admin,
      body: { name: 'X', email: 'not-an-email', role: 'janitor' },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/email/);
    expect(response.body.message).toMatch(/role/);
    const list = await system.api('GET', '/api/staff', { as: admin });
    expect(list.body.map((staff: { id: string }) => staff.id)).not.toContain(staffId);
  });

  it('shows a staff member their own record and that they hold no number yet', async () => {
    const response = await system.api('GET', '/api/me', { as: coach });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: coach.staffId, role: 'coach', number: null });
  });

  it('answers 404 to /api/me for a token whose staff member is not in the directory', async () => {
    const response = await system.api('GET', '/api/me', {
      as: { staffId: id('ghost'), role: 'coach' },
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('STAFF_NOT_FOUND');
  });
});

describe('students', () => {
  it('stores the SMS phone in E.164, read in the default country', async () => {
    const studentId = id('student');
    const response = await system.api('PUT', `/api/students/${studentId}`, {
      as: admin,
      body: {
        name: 'Ada',
        email: 'ada@example.edu',
        smsPhone: '(415) 555-0101',
        timezone: 'America/Chicago',
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: studentId,
      smsPhone: '+14155550101',
      timezone: 'America/Chicago',
    });

    const fetched = await system.api('GET', `/api/students/${studentId}`, { as: coach });
    expect(fetched.body).toMatchObject({ id: studentId, name: 'Ada', smsPhone: '+14155550101' });
  });

  it.each([
    [
      'a number that does not parse',
      'call me maybe',
      /smsPhone: "call me maybe" is not a phone number/,
    ],
    ['a number that is too short', '415 555', /smsPhone/],
    ['a toll-free number', '+1 800 555 0199', /smsPhone: .* toll free/],
  ])(
    'refuses %s with 400 naming smsPhone, and stores nothing',
    async (_case, smsPhone, message) => {
      const studentId = id('student');
      const response = await system.api('PUT', `/api/students/${studentId}`, {
        as: admin,
        body: { name: 'Bad Phone', smsPhone },
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
      expect((await system.api('GET', `/api/students/${studentId}`, { as: admin })).status).toBe(
        404,
      );
    },
  );

  it('refuses an unknown time zone with 400', async () => {
    const response = await system.api('PUT', `/api/students/${id('student')}`, {
      as: admin,
      body: { name: 'Tz', timezone: 'Mars/Olympus' },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/timezone/);
  });

  it('answers 404 for an unknown student', async () => {
    const response = await system.api('GET', `/api/students/${id('nobody')}`, { as: coach });
    expect(response).toMatchObject({ status: 404, body: { code: 'STUDENT_NOT_FOUND' } });
  });

  it('allows siblings to share one SMS phone and shows it on each of them', async () => {
    const shared = phone(1);
    const [first, second] = [id('sibling'), id('sibling')];
    for (const studentId of [first, second]) {
      await system.api('PUT', `/api/students/${studentId}`, {
        as: admin,
        body: { name: `Sibling ${studentId}`, smsPhone: shared },
      });
    }
    const response = await system.api('GET', `/api/students/${first}`, { as: coach });
    expect(response.body).toMatchObject({ smsPhone: shared, sharesPhoneWith: [second] });
  });

  it('finds students by name, email or phone, a page at a time', async () => {
    const tag = `Zebulon${run}`;
    const ids = [id('find'), id('find'), id('find')];
    for (const [index, studentId] of ids.entries()) {
      await system.api('PUT', `/api/students/${studentId}`, {
        as: admin,
        body: {
          name: `${tag} ${index}`,
          email: `${studentId}@school.example`,
          smsPhone: phone(10 + index),
        },
      });
    }

    const byName = await system.api('GET', `/api/students?q=${tag}&limit=2`, { as: coach });
    expect(byName.body.items.map((student: { name: string }) => student.name)).toEqual([
      `${tag} 0`,
      `${tag} 1`,
    ]);
    const next = await system.api(
      'GET',
      `/api/students?q=${tag}&limit=2&before=${byName.body.nextBefore}`,
      { as: coach },
    );
    expect(next.body).toMatchObject({ items: [{ name: `${tag} 2` }], nextBefore: null });

    const byEmail = await system.api('GET', `/api/students?q=${ids[1]}@school`, { as: coach });
    expect(byEmail.body.items.map((student: { id: string }) => student.id)).toEqual([ids[1]]);
    const byPhone = await system.api('GET', `/api/students?q=${phone(12).slice(2)}`, { as: coach });
    expect(byPhone.body.items.map((student: { id: string }) => student.id)).toContain(ids[2]);
  });

  it('refuses a search limit out of range and a cursor it did not give out', async () => {
    expect((await system.api('GET', '/api/students?limit=0', { as: coach })).status).toBe(400);
    expect((await system.api('GET', '/api/students?limit=abc', { as: coach })).status).toBe(400);
    expect((await system.api('GET', '/api/students?before=xyz', { as: coach })).status).toBe(400);
  });
});

describe('student import', () => {
  const rows = (count: number, prefix: string) =>
    Array.from({ length: count }, (_, index) => ({
      id: `${prefix}-${index}`,
      name: `Imported ${index}`,
      email: `${prefix}-${index}@example.edu`,
      smsPhone: phone(100 + index),
    }));

  it('imports every row in one request', async () => {
    const prefix = id('import');
    const response = await system.api('POST', '/api/students/import', {
      as: admin,
      body: rows(50, prefix),
    });
    expect(response).toMatchObject({ status: 200, body: { imported: 50 } });
    const last = await system.api('GET', `/api/students/${prefix}-49`, { as: admin });
    expect(last.body).toMatchObject({ name: 'Imported 49', smsPhone: phone(149) });
  });

  it('rejects the whole import when any row is bad, listing every bad row, and writes nothing', async () => {
    const prefix = id('import');
    const body: Record<string, unknown>[] = rows(20, prefix);
    body[3] = { ...body[3], smsPhone: 'nope' };
    body[7] = { ...body[7], name: '' };
    body[12] = { ...body[12], id: `${prefix}-0` };
    body[15] = 'not even an object' as never;

    const response = await system.api('POST', '/api/students/import', { as: admin, body });

    expect(response.status).toBe(400);
    expect(response.body.message).toBe('4 of 20 rows are invalid; nothing was imported');
    const bad = response.body.details.rows as { index: number; problems: string[] }[];
    expect(bad.map((row) => row.index)).toEqual([3, 7, 12, 15]);
    expect(bad[0].problems.join()).toMatch(/smsPhone/);
    expect(bad[1].problems.join()).toMatch(/name/);
    expect(bad[2].problems.join()).toMatch(/also row 0/);
    expect((await system.api('GET', `/api/students/${prefix}-0`, { as: admin })).status).toBe(404);
  });

  it('refuses more than 10,000 rows and an empty import', async () => {
    const tooMany = await system.api('POST', '/api/students/import', {
      as: admin,
      body: rows(10_001, id('big')),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/10000/);
    const empty = await system.api('POST', '/api/students/import', { as: admin, body: [] });
    expect(empty.status).toBe(400);
  });

  it('imports 10,000 rows in one request', async () => {
    const prefix = id('bulk');
    const body = rows(10_000, prefix);
    const response = await system.api('POST', '/api/students/import', { as: admin, body });
    expect(response).toMatchObject({ status: 200, body: { imported: 10_000 } });
    const { rows: counted } = await system.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM numbers.students WHERE id LIKE $1 || '-%'",
      [prefix],
    );
    expect(counted[0].n).toBe(10_000);
  });
});

describe('student import from a CSV file', () => {
  const importCsv = (text: string, query = '', as: { staffId: string; role: Role } = admin) =>
    system.api('POST', `/api/students/import${query}`, { as, raw: { type: 'text/csv', text } });
  const HEADER = 'id,name,email,smsPhone,timezone';

  it('reads RFC 4180: quoted commas, quotes and line breaks, CRLF or LF, a BOM, blank lines', async () => {
    const prefix = id('csv');
    const csv =
      `\uFEFF${HEADER}\r\n` +
      `${prefix}-1,"Hopper, Grace",grace@example.edu,${phone(201)},America/New_York\r\n` +
      `${prefix}-2,"Ada ""The Countess"" Lovelace",,,\n` +
      '\n' +
      `${prefix}-3,"Two\nLines",,"${phone(203)}",\n`;

    const response = await importCsv(csv);

    expect(response).toMatchObject({ status: 200, body: { imported: 3 } });
    const student = async (n: number) =>
      (await system.api('GET', `/api/students/${prefix}-${n}`, { as: admin })).body;
    expect(await student(1)).toMatchObject({
      name: 'Hopper, Grace',
      email: 'grace@example.edu',
      smsPhone: phone(201),
      timezone: 'America/New_York',
    });
    expect(await student(2)).toMatchObject({
      name: 'Ada "The Countess" Lovelace',
      email: null,
      smsPhone: null,
    });
    expect(await student(3)).toMatchObject({ name: 'Two\nLines', smsPhone: phone(203) });
  });

  it('takes the columns in any order, only id and name required', async () => {
    const prefix = id('csv');
    const response = await importCsv(`name,id\nZed,${prefix}-1\n`);
    expect(response).toMatchObject({ status: 200, body: { imported: 1 } });
  });

  it('refuses a file with a bad row, naming each bad row and its line, and imports nothing', async () => {
    const prefix = id('csv');
    const csv =
      `${HEADER}\n` +
      `${prefix}-1,Fine Student,,${phone(211)},\n` +
      `${prefix}-2,"Note\nacross lines",,,\n` +
      `${prefix}-3,Bad Phone,,not-a-phone,\n` +
      `${prefix}-4,,,,\n`;

    const response = await importCsv(csv);

    expect(response.status).toBe(400);
    expect(response.body.message).toBe('2 of 4 rows are invalid; nothing was imported');
    expect(response.body.details.rows).toEqual([
      { index: 2, line: 5, id: `${prefix}-3`, problems: [expect.stringContaining('smsPhone')] },
      { index: 3, line: 6, id: `${prefix}-4`, problems: [expect.stringContaining('name')] },
    ]);
    const first = await system.api('GET', `/api/students/${prefix}-1`, { as: admin });
    expect(first.status).toBe(404);
  });

  it('previews a file with dryRun: checks every row, shows the first as stored, imports nothing', async () => {
    const prefix = id('csv');
    const lines = Array.from(
      { length: 12 },
      (_, n) => `${prefix}-${n},Student ${n},,(646) 555-01${10 + n},`,
    );

    const response = await importCsv(`${HEADER}\n${lines.join('\n')}\n`, '?dryRun=true');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ imported: 0, checked: 12 });
    expect(response.body.sample).toHaveLength(10);
    expect(response.body.sample[0]).toEqual({
      id: `${prefix}-0`,
      name: 'Student 0',
      email: null,
      smsPhone: '+16465550110',
      timezone: null,
    });
    expect((await system.api('GET', `/api/students/${prefix}-0`, { as: admin })).status).toBe(404);
    const badPreview = await importCsv(`${HEADER}\n${prefix}-x,X,,nope,\n`, '?dryRun=true');
    expect(badPreview.status).toBe(400);
    expect(badPreview.body.details.rows).toEqual([
      expect.objectContaining({ index: 0, line: 2, id: `${prefix}-x` }),
    ]);
  });

  it('refuses a file it cannot read, saying why, and imports nothing', async () => {
    const prefix = id('csv');
    const cases: [string, string][] = [
      [`${HEADER}\n${prefix}-1,"Unclosed,,,\n`, 'not a readable CSV: Quote Not Closed'],
      [`${HEADER}\n${prefix}-1,Too,Many,,,,\n`, 'not a readable CSV: Invalid Record Length'],
      [`id,name,grade\n${prefix}-1,A,9\n`, 'unknown column "grade"'],
      [`id,email\n${prefix}-1,a@example.edu\n`, 'no "name" column'],
      [`${HEADER}\n`, 'the file has no students'],
      ['', 'the file has no students'],
    ];
    for (const [csv, reason] of cases) {
      const response = await importCsv(csv);
      expect({ csv, status: response.status, message: response.body.message }).toEqual({
        csv,
        status: 400,
        message: expect.stringContaining(reason),
      });
    }
    expect((await system.api('GET', `/api/students/${prefix}-1`, { as: admin })).status).toBe(404);
  });

  it('refuses other media types (415), a coach (403), and a bad dryRun (400)', async () => {
    const csv = `${HEADER}\n${id('csv')},A,,,\n`;
    const xml = await system.api('POST', '/api/students/import', {
      as: admin,
      raw: { type: 'application/xml', text: '<students/>' },
    });
    expect(xml.status).toBe(415);
    expect(xml.body.message).toBe('send application/json or text/csv');
    const elsewhere = await system.api('PUT', `/api/students/${id('s')}`, {
      as: admin,
      raw: { type: 'text/csv', text: 'name\nA\n' },
    });
    expect(elsewhere.status).toBe(415);
    expect((await importCsv(csv, '', { staffId: id('coach'), role: 'coach' })).status).toBe(403);
    expect((await importCsv(csv, '?dryRun=perhaps')).status).toBe(400);
  });
});

describe('audit', () => {
  it('records who changed what and when, with before and after, for admins', async () => {
    const studentId = id('audited');
    await system.api('PUT', `/api/students/${studentId}`, { as: admin, body: { name: 'Before' } });
    await system.api('PUT', `/api/students/${studentId}`, { as: admin, body: { name: 'After' } });

    const entries = await eventually(async () => {
      const response = await system.api(
        'GET',
        `/api/audit?actor=${admin.staffId}&action=student.upserted`,
        { as: admin },
      );
      const mine = response.body.items.filter(
        (entry: { targetId: string }) => entry.targetId === studentId,
      );
      expect(mine).toHaveLength(2);
      return mine;
    });
    // Newest first: the update, whose before is the created record.
    expect(entries[0]).toMatchObject({
      actorId: admin.staffId,
      action: 'student.upserted',
      targetType: 'student',
      before: { name: 'Before' },
      after: { name: 'After' },
    });
    expect(entries[1].before).toBeNull();
    expect(new Date(entries[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('records an import as one entry with its count', async () => {
    const since = new Date().toISOString();
    await system.api('POST', '/api/students/import', {
      as: admin,
      body: [
        { id: id('one'), name: 'One' },
        { id: id('two'), name: 'Two' },
      ],
    });
    await eventually(async () => {
      const response = await system.api(
        'GET',
        `/api/audit?action=students.imported&since=${since}`,
        {
          as: admin,
        },
      );
      expect(response.body.items).toHaveLength(1);
      expect(response.body.items[0].after.count).toBe(2);
    });
  });

  it('bounds the trail by until, and downloads what the filters match as CSV, audited', async () => {
    const name = id('csv "quoted", name');
    const since = new Date().toISOString();
    const staffId = id('audited');
    await system.api('PUT', `/api/staff/${staffId}`, {
      as: admin,
      body: { name, email: `${staffId}@example.edu`, role: 'coach' },
    });
    const entry = await eventually(async () => {
      const response = await system.api('GET', `/api/audit?action=staff.upserted&since=${since}`, {
        as: admin,
      });
      expect(response.body.items).toHaveLength(1);
      return response.body.items[0] as { at: string; targetId: string };
    });
    const at = Date.parse(entry.at);
    const until = (time: number) =>
      system.api(
        'GET',
        `/api/audit?action=staff.upserted&since=${since}&until=${new Date(time).toISOString()}`,
        { as: admin },
      );
    expect((await until(at)).body.items).toEqual([]);
    expect((await until(at + 1)).body.items).toHaveLength(1);

    const download = await fetch(
      `${system.url}/api/audit.csv?action=staff.upserted&since=${encodeURIComponent(since)}`,
      { headers: { Authorization: `Bearer ${tokenFor(admin.staffId, admin.role)}` } },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-.*\.csv"$/,
    );
    const rows = parse<Record<string, string>>(await download.text(), { columns: true });
    expect(rows).toEqual([
      {
        at: entry.at,
        actor: admin.staffId,
        action: 'staff.upserted',
        targetType: 'staff',
        targetId: staffId,
        before: '',
        after: expect.stringContaining(JSON.stringify(name).slice(1, -1)),
      },
    ]);
    expect(JSON.parse(rows[0].after)).toMatchObject({ name });

    const exported = await system.api('GET', `/api/audit?action=audit.exported&since=${since}`, {
      as: admin,
    });
    expect(exported.body.items).toEqual([
      expect.objectContaining({
        actorId: admin.staffId,
        after: { action: 'staff.upserted', actor: null, since, until: null },
      }),
    ]);
    const coach = await system.api('GET', '/api/audit.csv', {
      as: { staffId: id('c'), role: 'coach' },
    });
    expect(coach.status).toBe(403);
    const badFilter = await system.api('GET', '/api/audit.csv?until=soon', { as: admin });
    expect(badFilter.status).toBe(400);
  });

  it('refuses a malformed filter with 400', async () => {
    expect((await system.api('GET', '/api/audit?since=yesterday', { as: admin })).status).toBe(400);
    expect((await system.api('GET', '/api/audit?limit=0', { as: admin })).status).toBe(400);
  });
});
