import { randomBytes, randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { Broker, EVENTS_EXCHANGE } from '@fidelis/broker';
import {
  AssignmentView,
  DomainError,
  EventEnvelope,
  NumberOfStaff,
  NumberView,
  Role,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { eventually } from '../../../test/support/eventually';
import { RABBITMQ_URL } from '../../../test/support/infrastructure';
import { ApiResponse, startSystem, TestSystem } from '../../../test/support/system';
import { loadNumbersConfig } from '../src/config';
import { TwilioNumbersClient } from '../src/provisioning/twilio-numbers.client';

const hex = () => randomBytes(4).toString('hex');
const ADMIN = { staffId: `admin-${hex()}`, role: 'admin' as const };
const NON_ADMIN_ROLES: Role[] = [
  'coach',
  'coach_manager',
  'instructor',
  'instructor_manager',
  'mentor_coach',
];

let system: TestSystem;
let asker: Broker;
let eventsConnection: amqp.ChannelModel;
const published: { routingKey: string; event: EventEnvelope<Record<string, unknown>> }[] = [];

const api = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
  system.api(method, path, { as: ADMIN, body });

async function newStaff(): Promise<string> {
  const staffId = `staff-${hex()}`;
  const response = await api('PUT', `/api/staff/${staffId}`, {
    name: 'Test Coach',
    email: `${staffId}@example.com`,
    role: 'coach',
  });
  expect(response.status).toBe(200);
  return staffId;
}

async function buy(body: Record<string, unknown> = { areaCode: '415' }): Promise<NumberView> {
  const response = await api('POST', '/api/numbers', body);
  expect(response.status).toBe(201);
  return response.body as NumberView;
}

async function history(numberId: string): Promise<AssignmentView[]> {
  const response = await api('GET', `/api/numbers/${numberId}/history`);
  expect(response.status).toBe(200);
  return response.body as AssignmentView[];
}

async function firstAvailable(areaCode = '415'): Promise<string> {
  const response = await api('GET', `/api/numbers/available?areaCode=${areaCode}`);
  expect(response.status).toBe(200);
  return (response.body as { phoneNumber: string }[])[0].phoneNumber;
}

function expectRefusal(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
}

/** The numbers the emulator's account owns right now. */
const ownedAtTwilio = () =>
  [...system.emulator.emulator.state.numbers.values()].map((number) => number.phoneNumber);

async function openAssignments(column: 'staff_id' | 'number_id', value: string): Promise<number> {
  const { rows } = await system.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM numbers.number_assignments
     WHERE ${column} = $1 AND ended_at IS NULL`,
    [value],
  );
  return rows[0].n;
}

/** Rows this run recorded for a number (the test database keeps earlier runs' released ones). */
const runStartedAt = new Date();

async function recordsOf(phoneNumber: string): Promise<number> {
  const { rows } = await system.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM numbers.phone_numbers WHERE phone_number = $1 AND created_at >= $2',
    [phoneNumber, runStartedAt],
  );
  return rows[0].n;
}

/** Closes the emulator for the length of `fn`, then opens it again on the same port. */
async function withTwilioDown<T>(fn: () => Promise<T>): Promise<T> {
  const port = Number(new URL(system.emulator.url).port);
  await system.emulator.close();
  try {
    return await fn();
  } finally {
    const reopened = await system.emulator.emulator.listen(port);
    system.emulator.close = reopened.close;
  }
}

beforeAll(async () => {
  system = await startSystem();

  eventsConnection = await amqp.connect(RABBITMQ_URL);
  const channel = await eventsConnection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, 'numbers.#');
  await channel.bindQueue(queue, EVENTS_EXCHANGE, 'audit.#');
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      published.push({
        routingKey: message.fields.routingKey,
        event: JSON.parse(message.content.toString()) as EventEnvelope<Record<string, unknown>>,
      });
    },
    { noAck: true },
  );

  asker = new Broker({
    url: RABBITMQ_URL,
    name: 'provisioning-test',
    subscriptions: Object.values(SUBSCRIPTIONS),
  });
  await asker.start();
});

afterAll(async () => {
  // Gives back what this run bought, so later runs and other test files find fewer stale numbers.
  if (system) {
    const sids = [...system.emulator.emulator.state.numbers.keys()];
    const { rows } = await system.db.query<{ id: string }>(
      "SELECT id FROM numbers.phone_numbers WHERE status = 'active' AND twilio_sid = ANY($1)",
      [sids],
    );
    for (const { id } of rows) await api('DELETE', `/api/numbers/${id}`);
  }
  await asker?.close();
  await eventsConnection?.close();
  await system?.close();
});

describe('searching and buying numbers', () => {
  it("lists Twilio's available local numbers by area code and digits", async () => {
    const response = await api('GET', '/api/numbers/available?areaCode=415&contains=52');

    expect(response.status).toBe(200);
    const numbers = response.body as Record<string, string>[];
    expect(numbers.length).toBeGreaterThan(0);
    for (const number of numbers) {
      expect(number.phoneNumber).toMatch(/^\+1415\d*52/);
      expect(number).toMatchObject({ locality: 'San Francisco', region: 'CA' });
      expect(number.friendlyName).toMatch(/^\(415\)/);
    }
  });

  it('refuses a malformed search with 400', async () => {
    const response = await api('GET', '/api/numbers/available?areaCode=41');
    expectRefusal(response, 400, 'INVALID_INPUT');
    expect(response.body.message).toMatch(/areaCode/);
  });

  it('buys the number asked for, its SMS URL pointing at the gateway webhook', async () => {
    const phoneNumber = await firstAvailable();

    const number = await buy({ phoneNumber });

    expect(number).toMatchObject({ phoneNumber, staffId: null, status: 'active' });
    expect(number.id).toMatch(/^[0-9a-f-]{36}$/);
    const atTwilio = await system.emulator.client.incomingPhoneNumbers(number.twilioSid).fetch();
    expect(atTwilio.phoneNumber).toBe(phoneNumber);
    expect(atTwilio.smsUrl).toBe(`${system.url}/webhooks/twilio/sms`);
    expect(atTwilio.smsMethod).toBe('POST');
    const listed = (await api('GET', '/api/numbers')).body as NumberView[];
    expect(listed).toContainEqual(number);
  });

  it('reads the number asked for as people write it', async () => {
    const phoneNumber = await firstAvailable('617');
    const national = `(${phoneNumber.slice(2, 5)}) ${phoneNumber.slice(5, 8)}-${phoneNumber.slice(8)}`;

    const number = await buy({ phoneNumber: national });

    expect(number.phoneNumber).toBe(phoneNumber);
  });

  it('buys any available number in an area code', async () => {
    const number = await buy({ areaCode: '212' });

    expect(number.phoneNumber).toMatch(/^\+1212\d{7}$/);
    const atTwilio = await system.emulator.client.incomingPhoneNumbers(number.twilioSid).fetch();
    expect(atTwilio.smsUrl).toBe(`${system.url}/webhooks/twilio/sms`);
  });

  it('buys a number and assigns it at once', async () => {
    const staffId = await newStaff();

    const number = await buy({ areaCode: '415', staffId });

    expect(number.staffId).toBe(staffId);
    const [assignment, ...others] = await history(number.id);
    expect(others).toEqual([]);
    expect(assignment).toMatchObject({ staffId, endedAt: null });
  });

  it('refuses a purchase without exactly one of phoneNumber and areaCode, or with a bad number', async () => {
    const before = ownedAtTwilio().length;

    const neither = await api('POST', '/api/numbers', {});
    const both = await api('POST', '/api/numbers', {
      phoneNumber: '+14155550100',
      areaCode: '415',
    });
    const notANumber = await api('POST', '/api/numbers', { phoneNumber: 'call me' });

    expectRefusal(neither, 400, 'INVALID_INPUT');
    expectRefusal(both, 400, 'INVALID_INPUT');
    expectRefusal(notANumber, 400, 'INVALID_INPUT');
    expect(ownedAtTwilio()).toHaveLength(before);
  });

  it('refuses, before buying, for a staff member who holds a number or does not exist', async () => {
    const holder = await newStaff();
    await buy({ areaCode: '415', staffId: holder });
    const before = ownedAtTwilio().length;

    const forHolder = await api('POST', '/api/numbers', { areaCode: '415', staffId: holder });
    const forStranger = await api('POST', '/api/numbers', {
      areaCode: '415',
      staffId: `nobody-${hex()}`,
    });

    expectRefusal(forHolder, 409, 'STAFF_HAS_NUMBER');
    expectRefusal(forStranger, 404, 'STAFF_NOT_FOUND');
    expect(ownedAtTwilio()).toHaveLength(before);
  });

  it("answers 409 with Twilio's code when the number is no longer available, recording nothing", async () => {
    const phoneNumber = await firstAvailable();
    await system.emulator.control('/unavailable', { phoneNumber });

    const response = await api('POST', '/api/numbers', { phoneNumber });

    expectRefusal(response, 409, 'NUMBER_NOT_AVAILABLE');
    expect(response.body.message).toMatch(/21422/);
    expect(response.body.message).toMatch(/not available for purchase/);
    expect(response.body.details).toMatchObject({ twilioCode: 21422, twilioStatus: 400 });
    expect(await recordsOf(phoneNumber)).toBe(0);
  });

  it('releases at Twilio again a number it bought but could not record, leaving no row', async () => {
    const phoneNumber = await firstAvailable('312');
    const name = `refuse_${hex()}`;
    // The database refuses to record exactly this number, after Twilio sold it.
    await system.db.query(
      `CREATE FUNCTION numbers.${name}() RETURNS trigger LANGUAGE plpgsql
       AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
    );
    await system.db.query(
      `CREATE TRIGGER ${name} BEFORE INSERT ON numbers.phone_numbers FOR EACH ROW
       WHEN (NEW.phone_number = '${phoneNumber}') EXECUTE FUNCTION numbers.${name}()`,
    );
    try {
      const response = await api('POST', '/api/numbers', { phoneNumber });

      expect(response.status).toBe(500);
      expect(ownedAtTwilio()).not.toContain(phoneNumber);
      expect(await recordsOf(phoneNumber)).toBe(0);
    } finally {
      await system.db.query(`DROP TRIGGER ${name} ON numbers.phone_numbers`);
      await system.db.query(`DROP FUNCTION numbers.${name}()`);
    }
  });

  it('keeps one of several parallel purchases for one staff member and releases the others', async () => {
    const staffId = await newStaff();
    const before = ownedAtTwilio().length;

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api('POST', '/api/numbers', { areaCode: '206', staffId })),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body.code).toBe('STAFF_HAS_NUMBER');
    }
    expect(ownedAtTwilio()).toHaveLength(before + 1);
    expect(await openAssignments('staff_id', staffId)).toBe(1);
  });
});

describe('assigning numbers', () => {
  it('assigns, reassigns and unassigns, keeping every assignment with its start and end', async () => {
    const [first, second] = [await newStaff(), await newStaff()];
    const number = await buy();

    const assigned = await api('PUT', `/api/numbers/${number.id}/assignee`, { staffId: first });
    const reassigned = await api('PUT', `/api/numbers/${number.id}/assignee`, {
      staffId: second,
    });
    const listed = (await api('GET', '/api/numbers')).body as NumberView[];
    const unassigned = await api('DELETE', `/api/numbers/${number.id}/assignee`);

    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ id: number.id, staffId: first });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ id: number.id, staffId: second });
    expect(listed.find((n) => n.id === number.id)?.staffId).toBe(second);
    expect(unassigned.status).toBe(200);
    expect(unassigned.body).toMatchObject({ id: number.id, staffId: null, assignedAt: null });
    const [firstTerm, secondTerm, ...others] = await history(number.id);
    expect(others).toEqual([]);
    // Each answer says since when its holder holds the number: the start of their term.
    expect(assigned.body).toMatchObject({ assignedAt: firstTerm.startedAt });
    expect(reassigned.body).toMatchObject({ assignedAt: secondTerm.startedAt });
    expect(listed.find((n) => n.id === number.id)?.assignedAt).toBe(secondTerm.startedAt);
    expect(firstTerm.staffId).toBe(first);
    expect(secondTerm.staffId).toBe(second);
    expect(firstTerm.endedAt).toBe(secondTerm.startedAt);
    expect(Date.parse(firstTerm.startedAt)).toBeLessThanOrEqual(Date.parse(secondTerm.startedAt));
    expect(Date.parse(secondTerm.endedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(secondTerm.startedAt),
    );
  });

  it('leaves a number with its current holder when assigned to them again', async () => {
    const staffId = await newStaff();
    const number = await buy({ areaCode: '415', staffId });

    const again = await api('PUT', `/api/numbers/${number.id}/assignee`, { staffId });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: number.id, staffId });
    expect(await history(number.id)).toHaveLength(1);
  });

  it('refuses a second number to a staff member who holds one', async () => {
    const staffId = await newStaff();
    await buy({ areaCode: '415', staffId });
    const other = await buy();

    const response = await api('PUT', `/api/numbers/${other.id}/assignee`, { staffId });

    expectRefusal(response, 409, 'STAFF_HAS_NUMBER');
    expect(await history(other.id)).toEqual([]);
  });

  it('answers 404 for an unknown number or staff member and 400 for a malformed request', async () => {
    const number = await buy();
    const unknownId = randomUUID();

    expectRefusal(
      await api('PUT', `/api/numbers/${unknownId}/assignee`, { staffId: await newStaff() }),
      404,
      'NUMBER_NOT_FOUND',
    );
    expectRefusal(
      await api('PUT', `/api/numbers/${number.id}/assignee`, { staffId: `nobody-${hex()}` }),
      404,
      'STAFF_NOT_FOUND',
    );
    expectRefusal(await api('GET', `/api/numbers/${unknownId}/history`), 404, 'NUMBER_NOT_FOUND');
    expectRefusal(await api('DELETE', `/api/numbers/${unknownId}`), 404, 'NUMBER_NOT_FOUND');
    expectRefusal(
      await api('PUT', '/api/numbers/not-a-uuid/assignee', { staffId: 'x' }),
      400,
      'INVALID_INPUT',
    );
    expectRefusal(await api('PUT', `/api/numbers/${number.id}/assignee`, {}), 400, 'INVALID_INPUT');
  });

  it('gives one of ten numbers assigned in parallel to one staff member, refusing the others', async () => {
    const staffId = await newStaff();
    const numbers = await Promise.all(Array.from({ length: 10 }, () => buy({ areaCode: '512' })));

    const responses = await Promise.all(
      numbers.map((number) => api('PUT', `/api/numbers/${number.id}/assignee`, { staffId })),
    );

    const winners = responses.filter((response) => response.status === 200);
    const losers = responses.filter((response) => response.status !== 200);
    expect(winners).toHaveLength(1);
    expect(losers.map((response) => [response.status, String(response.body.code)])).toEqual(
      Array.from({ length: 9 }, () => [409, 'STAFF_HAS_NUMBER']),
    );
    expect(await openAssignments('staff_id', staffId)).toBe(1);
  });

  it('serialises ten parallel assignments of one number: one holder, a history without overlap', async () => {
    const number = await buy();
    const staff = await Promise.all(Array.from({ length: 10 }, () => newStaff()));

    const responses = await Promise.all(
      staff.map((staffId) => api('PUT', `/api/numbers/${number.id}/assignee`, { staffId })),
    );

    expect(responses.map((response) => response.status)).toEqual(staff.map(() => 200));
    expect(await openAssignments('number_id', number.id)).toBe(1);
    const terms = await history(number.id);
    expect(terms.map((term) => term.staffId).sort()).toEqual([...staff].sort());
    terms.slice(1).forEach((term, index) => expect(terms[index].endedAt).toBe(term.startedAt));
    expect(terms[terms.length - 1].endedAt).toBeNull();
    const listed = (await api('GET', '/api/numbers')).body as NumberView[];
    expect(listed.find((n) => n.id === number.id)?.staffId).toBe(terms[terms.length - 1].staffId);
  });

  it('tells which number a staff member holds now (NumberOfStaff)', async () => {
    const staffId = await newStaff();
    expect(await asker.request(NumberOfStaff, { staffId })).toBeNull();

    const number = await buy({ areaCode: '415', staffId });

    expect(await asker.request(NumberOfStaff, { staffId })).toEqual(number);
    await api('DELETE', `/api/numbers/${number.id}/assignee`);
    expect(await asker.request(NumberOfStaff, { staffId })).toBeNull();
  });
});

describe('releasing numbers', () => {
  it('releases a number at Twilio, keeping its row and history; it cannot be assigned again', async () => {
    const staffId = await newStaff();
    const number = await buy({ areaCode: '415', staffId });

    const response = await api('DELETE', `/api/numbers/${number.id}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: number.id, status: 'released', staffId: null });
    expect(response.body.releasedAt).toEqual(expect.any(String));
    expect(ownedAtTwilio()).not.toContain(number.phoneNumber);
    const listed = (await api('GET', '/api/numbers')).body as NumberView[];
    expect(listed.find((n) => n.id === number.id)).toMatchObject({ status: 'released' });
    const [term, ...others] = await history(number.id);
    expect(others).toEqual([]);
    expect(term).toMatchObject({ staffId, endedAt: response.body.releasedAt });
    expectRefusal(
      await api('PUT', `/api/numbers/${number.id}/assignee`, { staffId }),
      409,
      'NUMBER_RELEASED',
    );
    expect(await asker.request(NumberOfStaff, { staffId })).toBeNull();
  });

  it('counts a number Twilio no longer has as released', async () => {
    const number = await buy();
    await system.emulator.client.incomingPhoneNumbers(number.twilioSid).remove();

    const response = await api('DELETE', `/api/numbers/${number.id}`);

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('released');
  });
});

describe('when Twilio cannot be reached', () => {
  it('answers 502 to searching, buying and releasing, and changes nothing', async () => {
    const staffId = await newStaff();
    const held = await buy({ areaCode: '415', staffId });
    const { rows: before } = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM numbers.phone_numbers',
    );

    await withTwilioDown(async () => {
      const search = await api('GET', '/api/numbers/available?areaCode=415');
      const purchase = await api('POST', '/api/numbers', { areaCode: '415' });
      const release = await api('DELETE', `/api/numbers/${held.id}`);

      expectRefusal(search, 502, 'TWILIO_UNREACHABLE');
      expectRefusal(purchase, 502, 'TWILIO_UNREACHABLE');
      expectRefusal(release, 502, 'TWILIO_UNREACHABLE');
      expect(release.body.message).toMatch(/ECONNREFUSED/);
    });

    const { rows: after } = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM numbers.phone_numbers',
    );
    expect(after[0].n).toBe(before[0].n);
    const listed = (await api('GET', '/api/numbers')).body as NumberView[];
    expect(listed.find((n) => n.id === held.id)).toMatchObject({ status: 'active', staffId });
    expect(ownedAtTwilio()).toContain(held.phoneNumber);
  });

  it("reports another refusal by Twilio as 502 with Twilio's code", async () => {
    const client = new TwilioNumbersClient(
      loadNumbersConfig({ ...system.env, TWILIO_AUTH_TOKEN: 'not-the-auth-token' }),
    );

    const refusal = await client
      .searchAvailable({ areaCode: '415' })
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'TWILIO_REJECTED',
      details: { twilioCode: 20003, twilioStatus: 401 },
    });
    expect((refusal as DomainError).message).toMatch(/20003/);
  });
});

describe('events and audit', () => {
  const of = (numberId: string, type: string) =>
    published.filter(
      ({ event }) =>
        event.type === type &&
        (event.payload.numberId === numberId || event.payload.targetId === numberId),
    );

  it('publishes NumberAssigned, NumberUnassigned and NumberReleased, and audit entries, through the outbox', async () => {
    const [first, second] = [await newStaff(), await newStaff()];
    const number = await buy({ areaCode: '415', staffId: first });
    await api('PUT', `/api/numbers/${number.id}/assignee`, { staffId: second });
    await api('DELETE', `/api/numbers/${number.id}`);

    await eventually(() => {
      expect(of(number.id, 'NumberAssigned').map(({ event }) => event.payload.staffId)).toEqual([
        first,
        second,
      ]);
      expect(of(number.id, 'NumberUnassigned').map(({ event }) => event.payload.staffId)).toEqual([
        first,
        second,
      ]);
      expect(of(number.id, 'NumberReleased')).toHaveLength(1);
      expect(of(number.id, 'AuditRecorded').map(({ event }) => event.payload.action)).toEqual([
        'number.bought',
        'number.assigned',
        'number.assigned',
        'number.released',
      ]);
    });
    const [released] = of(number.id, 'NumberReleased');
    expect(released.routingKey).toBe('numbers.number-released.v1');
    expect(released.event.payload).toMatchObject({
      phoneNumber: number.phoneNumber,
      twilioSid: number.twilioSid,
      lastStaffId: second,
    });
    const [, reassignment] = of(number.id, 'AuditRecorded').filter(
      ({ event }) => event.payload.action === 'number.assigned',
    );
    expect(reassignment.event.payload).toMatchObject({
      actorId: ADMIN.staffId,
      targetType: 'number',
      before: { staffId: first },
      after: { staffId: second },
    });
    await eventually(async () => {
      const { rows } = await system.db.query(
        `SELECT 1 FROM numbers.outbox WHERE envelope->'payload'->>'numberId' = $1
            OR envelope->'payload'->>'targetId' = $1`,
        [number.id],
      );
      expect(rows).toHaveLength(0);
    });
  });
});

describe('access', () => {
  const someId = randomUUID();
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/numbers/available?areaCode=415'],
    ['POST', '/api/numbers', { areaCode: '415' }],
    ['GET', '/api/numbers'],
    ['PUT', `/api/numbers/${someId}/assignee`, { staffId: 'someone' }],
    ['DELETE', `/api/numbers/${someId}/assignee`],
    ['DELETE', `/api/numbers/${someId}`],
    ['GET', `/api/numbers/${someId}/history`],
  ];

  it('answers 401 without a token on every numbers route', async () => {
    for (const [method, path, body] of routes) {
      const response = await system.api(method, path, { body });
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({
        route: `${method} ${path}`,
        status: 401,
      });
    }
  });

  it('answers 403 to every role but admin on every numbers route, buying nothing', async () => {
    const before = ownedAtTwilio().length;
    for (const role of NON_ADMIN_ROLES) {
      for (const [method, path, body] of routes) {
        const response = await system.api(method, path, {
          as: { staffId: `staff-${hex()}`, role },
          body,
        });
        expect({ role, route: `${method} ${path}`, status: response.status }).toEqual({
          role,
          route: `${method} ${path}`,
          status: 403,
        });
      }
    }
    expect(ownedAtTwilio()).toHaveLength(before);
  });
});
