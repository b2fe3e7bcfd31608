import { randomInt } from 'node:crypto';
import { EmulatorProcess, startEmulatorProcess } from '../../../test/support/emulator-process';
import { eventually } from '../../../test/support/eventually';
import { startSystem, TestSystem } from '../../../test/support/system';
import { ServiceProcess } from '../../../test/support/service-process';
import { startMessagingProcess } from './support/messaging-process';
import {
  addStudents,
  maxPerSecond,
  newStaff,
  StaffWithNumber,
  studentRow,
  TestStudent,
} from './support/sending-fixtures';

const RATE = 50;

let twilio: EmulatorProcess;
let system: TestSystem;
let instances: ServiceProcess[] = [];

// Messaging runs as processes of their own here: two instances share the limit, and the service
// can be killed with SIGKILL in the middle of a bulk send. Twilio's stand-in too: pacing is
// measured by its clock, which the services in this process would hold up.
beforeAll(async () => {
  twilio = await startEmulatorProcess();
  system = await startSystem({
    env: { SEND_RATE_PER_NUMBER: String(RATE), TWILIO_API_BASE_URL: twilio.url },
    without: ['messaging'],
  });
  // The test database outlives the emulator: numbers it records as ours are not for sale.
  const { rows } = await system.db.query<{ phone_number: string }>(
    "SELECT phone_number FROM numbers.phone_numbers WHERE status = 'active'",
  );
  for (const row of rows) await twilio.control('/unavailable', { phoneNumber: row.phone_number });
  instances = [await startMessagingProcess(system.env, system.db)];
}, 120_000);

afterAll(async () => {
  for (const instance of instances) await instance.stop();
  await system?.close();
  await twilio?.stop();
});

const progress = async (staff: StaffWithNumber, bulkId: string) => {
  const response = await system.api('GET', `/api/messages/bulk/${bulkId}`, { as: staff.as });
  expect(response.status).toBe(200);
  return response.body;
};

async function startBulk(staff: StaffWithNumber, students: TestStudent[], body: string) {
  const response = await system.api('POST', '/api/messages/bulk', {
    as: staff.as,
    body: { studentIds: students.map((s) => s.id), body },
  });
  expect(response.status).toBe(202);
  expect(response.body.total).toBe(students.length);
  return response.body.bulkId as string;
}

async function untilDone(staff: StaffWithNumber, bulkId: string) {
  await eventually(async () => expect((await progress(staff, bulkId)).done).toBe(true), {
    timeoutMs: 120_000,
    intervalMs: 500,
  });
}

/** What messaging handed to Twilio for `staff` from their number, in order: its own send log. */
async function sendLog(staff: StaffWithNumber) {
  // By staff member too: the emulator sells numbers again that earlier runs had released.
  const { rows } = await system.db.query<{ id: string; submitted_at: Date; submitted_by: string }>(
    `SELECT id, submitted_at, submitted_by FROM messaging.messages
      WHERE from_phone = $1 AND staff_id = $2 AND submitted_at IS NOT NULL ORDER BY submitted_at`,
    [staff.number, staff.as.staffId],
  );
  return rows;
}

interface ReceivedCreate {
  from: string;
  to: string;
  body: string;
  /** When the emulator received the create, to the millisecond: Twilio's clock, not ours. */
  at: number;
}

/** The creates the emulator accepted from `staff`'s number, in the order it received them. */
async function receivedFrom(staff: StaffWithNumber): Promise<ReceivedCreate[]> {
  const { body } = await twilio.control('/messages');
  const { messages } = body as {
    messages: { from: string; to: string; body: string; receivedAt: string }[];
  };
  return messages
    .filter((message) => message.from === staff.number)
    .map((message) => ({ ...message, at: Date.parse(message.receivedAt) }))
    .sort((a, b) => a.at - b.at);
}

/** 1,000 students with consecutive phones (random ones could meet) and first names to tell them apart. */
const thousandStudents = () => {
  const first = randomInt(2_000_000, 8_000_000);
  return Array.from({ length: 1_000 }, (_, index) =>
    studentRow({ name: `Student${index} Test`, email: null, smsPhone: `+1415${first + index}` }),
  );
};

describe('1,000 recipients at SEND_RATE_PER_NUMBER=50 with two messaging instances', () => {
  let coach: StaffWithNumber;
  let other: StaffWithNumber;
  let students: TestStudent[];
  let bulkId: string;
  let otherBulkId: string;
  /** How many of the bulk the emulator had received once the one-to-one message was accepted. */
  let bulkReceivedWhenAsked: number;

  beforeAll(async () => {
    instances.push(await startMessagingProcess(system.env, system.db));
    coach = await newStaff(system);
    other = await newStaff(system);
    students = thousandStudents();
    const extra = studentRow();
    await addStudents(system, [...students, extra]);

    bulkId = await startBulk(coach, students, 'Hi {{firstName}}, class is at 6.');
    otherBulkId = await startBulk(other, students.slice(0, 100), 'From the other coach');
    // Asked once the bulk is running, and early: the emulator's status callbacks reach the
    // gateway in this same process, and on a busy machine a request made later waits behind
    // hundreds of them (seen: 20 s), by when the bulk could be over.
    await eventually(async () => expect((await sendLog(coach)).length).toBeGreaterThanOrEqual(20), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    const oneToOne = await system.api('POST', '/api/messages', {
      as: coach.as,
      body: { studentId: extra.id, body: 'Just for you' },
    });
    expect(oneToOne.status).toBe(202);
    bulkReceivedWhenAsked = (await receivedFrom(coach)).length;
    await untilDone(coach, bulkId);
  }, 200_000);

  afterAll(async () => {
    await instances.pop()?.stop();
  });

  it('hands exactly 1,000 messages to Twilio, each filled in for its student', async () => {
    const received = await receivedFrom(coach);
    const bulkSends = received.filter((sent) => sent.body.endsWith(', class is at 6.'));
    expect(bulkSends).toHaveLength(1_000);
    expect(new Set(bulkSends.map((sent) => sent.to)).size).toBe(1_000);
    expect(received.find((sent) => sent.to === students[7].smsPhone)?.body).toBe(
      'Hi Student7, class is at 6.',
    );
    // Every one accepted by Twilio (it has its sid) and none failed. Whether each status callback
    // then arrived is not asked: on an overloaded machine a callback the gateway could not store
    // is, as with Twilio, not sent again.
    await eventually(
      async () => {
        const { rows } = await system.db.query<{ accepted: number; failed: number }>(
          `SELECT count(*) FILTER (WHERE twilio_sid IS NOT NULL)::int AS accepted,
                  count(*) FILTER (WHERE status IN ('failed', 'undelivered'))::int AS failed
             FROM messaging.messages WHERE bulk_id = $1`,
          [bulkId],
        );
        expect(rows[0]).toEqual({ accepted: 1_000, failed: 0 });
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 90_000);

  it("never sends faster than 50 a second from one number, both instances together, by Twilio's clock", async () => {
    expect(new Set((await sendLog(coach)).map((row) => row.submitted_by)).size).toBe(2);
    const received = await receivedFrom(coach);
    expect(received).toHaveLength(1_001);
    expect(maxPerSecond(received.map((create) => create.at))).toBeLessThanOrEqual(RATE);
  });

  it('lets a one-to-one message overtake the running bulk at Twilio', async () => {
    const received = await receivedFrom(coach);
    const position = received.findIndex((create) => create.body === 'Just for you');
    expect(position).toBeGreaterThan(0);
    const waiting = 1_000 - bulkReceivedWhenAsked;
    const bulkAfterIt = received.length - 1 - position;
    // Asked while hundreds of bulk messages were still waiting, it reached Twilio before all of
    // them but the few whose slots were already taken (a slot is claimed at most ~1 s ahead: 50).
    expect(waiting).toBeGreaterThan(100);
    expect(bulkAfterIt).toBeGreaterThanOrEqual(waiting - RATE);
  });

  it("paces another staff member's number on its own: its bulk is not slowed", async () => {
    expect(await progress(other, otherBulkId)).toMatchObject({ total: 100, done: true });
    const received = await receivedFrom(other);
    expect(received).toHaveLength(100);
    expect(maxPerSecond(received.map((create) => create.at))).toBeLessThanOrEqual(RATE);
    // Through long before the 1,000 of the first coach, which were asked for first.
    const coachReceived = await receivedFrom(coach);
    expect(received[99].at).toBeLessThan(coachReceived[500].at);
  });
});

describe('killing the messaging service in the middle of a bulk send', () => {
  it('ends, once it is started again, with exactly 1,000 accepted sends at Twilio', async () => {
    const coach = await newStaff(system);
    const students = thousandStudents();
    await addStudents(system, students);
    const bulkId = await startBulk(coach, students, 'Restart test {{firstName}}');

    await eventually(
      async () => {
        const received = await receivedFrom(coach);
        expect(received.filter((sent) => sent.to === students[0].smsPhone)).toHaveLength(1);
      },
      { intervalMs: 200 },
    );
    await eventually(
      async () => {
        const log = await sendLog(coach);
        expect(log.length).toBeGreaterThan(100);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    await instances[0].kill();
    const { rows } = await system.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messaging.send_jobs WHERE bulk_id = $1`,
      [bulkId],
    );
    expect(rows[0].n).toBeGreaterThan(0);
    instances[0] = await startMessagingProcess(system.env, system.db);
    await untilDone(coach, bulkId);

    const accepted = await receivedFrom(coach);
    expect(accepted).toHaveLength(1_000);
    const sentTwice = accepted.filter(
      (sent, index) => accepted.findIndex((other) => other.to === sent.to) !== index,
    );
    expect(sentTwice.map((sent) => `${sent.to}: ${sent.body}`)).toEqual([]);
  }, 200_000);
});
