import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import {
  InboundSmsStored,
  InboundSmsStoredPayload,
  Role,
  SmsStatusChanged,
  SmsStatusChangedPayload,
} from '@fidelis/contracts';
import { loadGatewayConfig } from '../src/config';
import { createGateway, listenGateway } from '../src/create-gateway';
import { LiveEvents } from '../src/events/live-events.service';
import { eventually } from '../../../test/support/eventually';
import { EventPublisher, randomPhone, startPublisher } from '../../../test/support/events';
import { openEventStream, ReceivedSseEvent, SseClient } from '../../../test/support/sse';
import { startSystem, TestSystem } from '../../../test/support/system';
import { tokenFor } from '../../../test/support/tokens';

const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const staff = (role: Role) => ({ staffId: id(role), role });

let system: TestSystem;
let publisher: EventPublisher;
/** A second gateway instance on the same broker and database, as behind a load balancer. */
let secondGateway: INestApplication;
let secondUrl: string;
const clients: SseClient[] = [];

beforeAll(async () => {
  system = await startSystem();
  publisher = await startPublisher();
  secondGateway = await createGateway(loadGatewayConfig(system.env));
  await listenGateway(secondGateway, 0, '127.0.0.1');
  const { port } = secondGateway.getHttpServer().address() as AddressInfo;
  secondUrl = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await publisher?.close();
  await secondGateway?.close();
  await system?.close();
});

/** A dashboard connected to `GET /api/events` (of the first gateway unless `base` says). */
async function connect(
  who: { staffId: string; role: Role },
  { base = system.url, tokenIn = 'header' }: { base?: string; tokenIn?: 'header' | 'query' } = {},
): Promise<SseClient> {
  const token = tokenFor(who.staffId, who.role);
  const client =
    tokenIn === 'header'
      ? await openEventStream(`${base}/api/events`, { Authorization: `Bearer ${token}` })
      : await openEventStream(`${base}/api/events?access_token=${encodeURIComponent(token)}`);
  clients.push(client);
  expect(client.status).toBe(200);
  return client;
}

function stored(
  staffId: string | null,
  overrides: Partial<InboundSmsStoredPayload> = {},
): InboundSmsStoredPayload {
  return {
    messageId: randomUUID(),
    messageSid: `MM${randomBytes(16).toString('hex')}`,
    studentId: id('student'),
    studentName: 'Ada Lovelace',
    ambiguous: false,
    candidateStudentIds: [],
    staffId,
    from: randomPhone(),
    to: randomPhone(),
    body: 'See you at 5?',
    media: [{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }],
    status: staffId ? 'received' : 'unroutable',
    optChange: null,
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}

function statusChanged(staffId: string): SmsStatusChangedPayload {
  return {
    messageId: randomUUID(),
    direction: 'outbound',
    studentId: id('student'),
    staffId,
    from: randomPhone(),
    to: randomPhone(),
    status: 'delivered',
    errorCode: null,
    twilioSid: `SM${randomBytes(16).toString('hex')}`,
    fallback: null,
    bulkId: null,
    segments: 1,
    changedAt: new Date().toISOString(),
  };
}

const withId = (eventId: string) => (event: ReceivedSseEvent) => event.id === eventId;
const ids = (client: SseClient) => client.events.map((event) => event.id);

describe('GET /api/events', () => {
  it('sends sms.received to the coach the message was routed to within a second', async () => {
    const coach = staff('coach');
    const client = await connect(coach);
    expect(client.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(client.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(client.headers.get('x-accel-buffering')).toBe('no');
    expect(client.headers.get('content-encoding')).toBeNull();

    const payload = stored(coach.staffId, {
      ambiguous: true,
      studentId: null,
      studentName: null,
      candidateStudentIds: ['s-1', 's-2'],
    });
    const publishedAt = Date.now();
    const event = await publisher.publish(InboundSmsStored, payload);

    const received = await client.next(withId(event.eventId));
    expect(received.at - publishedAt).toBeLessThan(1_000);
    expect(received.event).toBe('sms.received');
    expect(JSON.parse(received.data)).toEqual({
      id: payload.messageId,
      direction: 'inbound',
      studentId: null,
      staffId: coach.staffId,
      from: payload.from,
      to: payload.to,
      body: 'See you at 5?',
      media: [{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }],
      status: 'received',
      twilioSid: payload.messageSid,
      errorCode: null,
      fallback: null,
      createdAt: payload.receivedAt,
      studentName: null,
      ambiguous: true,
      candidateStudentIds: ['s-1', 's-2'],
      optChange: null,
      flags: [],
    });
  });

  it('does not send a coach the messages routed to another coach', async () => {
    const [first, second] = [staff('coach'), staff('coach')];
    const [firstClient, secondClient] = await Promise.all([connect(first), connect(second)]);

    const toFirst = await publisher.publish(InboundSmsStored, stored(first.staffId));
    const toSecond = await publisher.publish(InboundSmsStored, stored(second.staffId));

    // One queue delivers in order: once the later event is in, the earlier one would be too.
    await firstClient.next(withId(toFirst.eventId));
    await secondClient.next(withId(toSecond.eventId));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(firstClient)).toEqual([toFirst.eventId]);
    expect(ids(secondClient)).toEqual([toSecond.eventId]);
  });

  it('sends every message to admins and managers, also one on a number nobody held', async () => {
    const viewers = await Promise.all(
      [staff('admin'), staff('coach_manager'), staff('instructor_manager')].map((who) =>
        connect(who),
      ),
    );

    const routed = await publisher.publish(InboundSmsStored, stored(id('coach')));
    const unheld = await publisher.publish(InboundSmsStored, stored(null));

    for (const viewer of viewers) {
      await viewer.next(withId(unheld.eventId));
      expect(ids(viewer)).toEqual([routed.eventId, unheld.eventId]);
      expect(JSON.parse(viewer.events[1].data)).toMatchObject({
        staffId: null,
        status: 'unroutable',
      });
    }
  });

  it('sends sms.status to the sender, admins and managers, and not to other coaches', async () => {
    const [sender, other, admin] = [staff('coach'), staff('instructor'), staff('admin')];
    const [senderClient, otherClient, adminClient] = await Promise.all(
      [sender, other, admin].map((who) => connect(who)),
    );

    const payload = statusChanged(sender.staffId);
    const event = await publisher.publish(SmsStatusChanged, payload);
    const toOther = await publisher.publish(SmsStatusChanged, statusChanged(other.staffId));

    const received = await senderClient.next(withId(event.eventId));
    expect(received.event).toBe('sms.status');
    expect(JSON.parse(received.data)).toEqual(payload);
    await adminClient.next(withId(toOther.eventId));
    expect(ids(adminClient)).toEqual([event.eventId, toOther.eventId]);
    await otherClient.next(withId(toOther.eventId));
    expect(ids(otherClient)).toEqual([toOther.eventId]);
  });

  it('takes the token as ?access_token= (EventSource cannot send headers)', async () => {
    const mentor = staff('mentor_coach');
    const client = await connect(mentor, { tokenIn: 'query' });

    const event = await publisher.publish(InboundSmsStored, stored(mentor.staffId));

    await client.next(withId(event.eventId));
  });

  it('answers 401 without a token or with an invalid one', async () => {
    const none = await openEventStream(`${system.url}/api/events`);
    const invalid = await openEventStream(`${system.url}/api/events?access_token=not.a.token`);
    const otherSecret = await openEventStream(`${system.url}/api/events`, {
      Authorization: `Bearer ${tokenFor('x', 'admin', 'another-secret')}`,
    });

    expect([none.status, invalid.status, otherSecret.status]).toEqual([401, 401, 401]);
  });

  it('delivers each event to clients of every gateway instance', async () => {
    const coach = staff('coach');
    const admin = staff('admin');
    const clientsOfBoth = await Promise.all([
      connect(coach),
      connect(coach, { base: secondUrl }),
      connect(admin),
      connect(admin, { base: secondUrl }),
    ]);

    const event = await publisher.publish(InboundSmsStored, stored(coach.staffId));

    for (const client of clientsOfBoth) {
      await client.next(withId(event.eventId));
      expect(ids(client)).toEqual([event.eventId]);
    }
  });

  it('forgets a client that disconnects and goes on serving the others', async () => {
    const live = secondGateway.get(LiveEvents);
    const coach = staff('coach');
    // The clients of the earlier tests closed their streams.
    await eventually(() => expect(live.connected).toBe(0));
    const leaving = await connect(coach, { base: secondUrl });
    const staying = await connect(coach, { base: secondUrl });
    expect(live.connected).toBe(2);

    leaving.close();
    await eventually(() => expect(live.connected).toBe(1));

    const event = await publisher.publish(InboundSmsStored, stored(coach.staffId));
    await staying.next(withId(event.eventId));
    expect(leaving.events).toEqual([]);
    expect(live.connected).toBe(1);
  });
});
