import * as amqp from 'amqplib';
import { IsInt } from 'class-validator';
import { createEnvelope, defineEvent, EventEnvelope } from '@fidelis/contracts';
import { Broker, EVENTS_EXCHANGE } from '@fidelis/broker';
import { eventually } from '../../../test/support/eventually';
import {
  closeAllConnections,
  connectionIds,
  RABBITMQ_URL,
  RABBITMQ_VHOST,
  rabbitmqctl,
  uniqueName,
} from '../../../test/support/infrastructure';

class PingedPayload {
  @IsInt()
  n: number;
}

const run = uniqueName('live');
const Pinged = defineEvent(`test-${run}`, 'Pinged', 1, PingedPayload);
const Other = defineEvent(`test-${run}`, 'Other', 1, PingedPayload);

const brokers: Broker[] = [];

function newBroker(name: string): Broker {
  // No durable subscriptions: every copy of an event here travels through the live queues only.
  const broker = new Broker({ url: RABBITMQ_URL, name, subscriptions: [] });
  brokers.push(broker);
  return broker;
}

/** A broker that records the `n` of every live event it sees. */
function listener(name: string): { broker: Broker; seen: number[] } {
  const broker = newBroker(name);
  const seen: number[] = [];
  broker.subscribeLive(Pinged, (event) => void seen.push(event.payload.n));
  return { broker, seen };
}

const pinged = (n: number): EventEnvelope<PingedPayload> => createEnvelope(Pinged, { n });

interface QueueRow {
  name: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive: boolean;
}

async function liveQueues(): Promise<QueueRow[]> {
  const rows = JSON.parse(
    await rabbitmqctl(
      'list_queues',
      '-p',
      RABBITMQ_VHOST,
      'name',
      'durable',
      'auto_delete',
      'exclusive',
      '--formatter',
      'json',
    ),
  ) as QueueRow[];
  return rows.filter((row) => row.name.startsWith('amq.gen-'));
}

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

describe('Broker live subscriptions', () => {
  it('delivers every event to every subscribed broker, each through an exclusive queue of its own', async () => {
    const first = listener('live-first');
    const second = listener('live-second');
    const publisher = newBroker('live-publisher');
    await Promise.all([first.broker.start(), second.broker.start(), publisher.start()]);

    const queues = await eventually(async () => {
      const rows = await liveQueues();
      expect(rows).toHaveLength(2);
      return rows;
    });
    for (const queue of queues) {
      expect(queue).toMatchObject({ durable: false, auto_delete: true, exclusive: true });
    }

    for (let n = 1; n <= 5; n += 1) await publisher.publish(pinged(n), Pinged.routingKey);

    await eventually(() => expect(first.seen).toEqual([1, 2, 3, 4, 5]));
    await eventually(() => expect(second.seen).toEqual([1, 2, 3, 4, 5]));
  });

  it('sees only the events it subscribed to, and several handlers of one event each see it', async () => {
    const broker = newBroker('live-handlers');
    const pings: number[] = [];
    const others: number[] = [];
    broker.subscribeLive(Pinged, (event) => void pings.push(event.payload.n));
    broker.subscribeLive(Pinged, (event) => void pings.push(event.payload.n * 10));
    broker.subscribeLive(Other, async (event) => void others.push(event.payload.n));
    const publisher = newBroker('live-publisher');
    await Promise.all([broker.start(), publisher.start()]);

    await publisher.publish(pinged(1), Pinged.routingKey);
    await publisher.publish(createEnvelope(Other, { n: 2 }), Other.routingKey);

    await eventually(() => expect(others).toEqual([2]));
    await eventually(() => expect(pings.sort((a, b) => a - b)).toEqual([1, 10]));
  });

  it('drops an invalid event or a failing handler and goes on with the next events', async () => {
    const broker = newBroker('live-invalid');
    const seen: number[] = [];
    broker.subscribeLive(Pinged, (event) => {
      if (event.payload.n === 2) throw new Error('handler broke');
      seen.push(event.payload.n);
    });
    const publisher = newBroker('live-publisher');
    await Promise.all([broker.start(), publisher.start()]);

    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      channel.publish(EVENTS_EXCHANGE, Pinged.routingKey, Buffer.from('not json'));
      channel.publish(
        EVENTS_EXCHANGE,
        Pinged.routingKey,
        Buffer.from(JSON.stringify({ ...pinged(0), payload: { n: 'zero' } })),
      );
      await channel.close();
    } finally {
      await connection.close();
    }
    for (const n of [1, 2, 3]) await publisher.publish(pinged(n), Pinged.routingKey);

    await eventually(() => expect(seen).toEqual([1, 3]));
  });

  it('resumes on a new queue after the server closes every connection', async () => {
    const first = listener('live-first');
    const second = listener('live-second');
    const publisher = newBroker('live-publisher');
    await Promise.all([first.broker.start(), second.broker.start(), publisher.start()]);
    await publisher.publish(pinged(1), Pinged.routingKey);
    await eventually(() => expect([first.seen, second.seen]).toEqual([[1], [1]]));
    const queuesBefore = (await liveQueues()).map((queue) => queue.name);

    const before = await connectionIds();
    await closeAllConnections('test: server closes connections');
    await eventually(
      async () => {
        const after = await connectionIds();
        expect(after.filter((id) => before.includes(id))).toEqual([]);
        expect(after.length).toBeGreaterThanOrEqual(3);
      },
      { timeoutMs: 20_000 },
    );
    // `connected` turns true only once the live queue of the new connection is bound.
    await eventually(() =>
      expect([first.broker, second.broker, publisher].map((b) => b.connected)).toEqual([
        true,
        true,
        true,
      ]),
    );
    await eventually(async () => {
      const queuesAfter = (await liveQueues()).map((queue) => queue.name);
      expect(queuesAfter).toHaveLength(2);
      expect(queuesAfter.filter((name) => queuesBefore.includes(name))).toEqual([]);
    });

    await publisher.publish(pinged(2), Pinged.routingKey);
    await eventually(() =>
      expect([first.seen, second.seen]).toEqual([
        [1, 2],
        [1, 2],
      ]),
    );
  });

  it('refuses a live subscription after start(), and its queue goes away when it closes', async () => {
    const { broker } = listener('live-late');
    await broker.start();
    expect(() => broker.subscribeLive(Pinged, () => undefined)).toThrow(/before Broker.start/);
    await eventually(async () => expect(await liveQueues()).toHaveLength(1));

    await broker.close();
    await eventually(async () => expect(await liveQueues()).toHaveLength(0));
  });
});
