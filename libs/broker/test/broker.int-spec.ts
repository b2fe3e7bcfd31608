import * as amqp from 'amqplib';
import { IsInt } from 'class-validator';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  createEnvelope,
  defineEvent,
  deriveEnvelope,
  defineRequest,
  EventEnvelope,
  ping,
  Subscription,
} from '@fidelis/contracts';
import { openServiceDatabase } from '@fidelis/database';
import { runWithCorrelation } from '@fidelis/logging';
import {
  Broker,
  BrokerOptions,
  BrokerTables1764240000000,
  BrokerUnavailableError,
  EVENTS_EXCHANGE,
  handleOnce,
  IncomingRequest,
  oneByOne,
  Outbox,
  publishDerived,
  Transaction,
} from '@fidelis/broker';
import { eventually } from '../../../test/support/eventually';
import {
  closeAllConnections,
  connectionIds,
  DATABASE_URL,
  deleteQueues,
  queueCounts,
  QueueCounts,
  RABBITMQ_URL,
  RABBITMQ_VHOST,
  rabbitmqctl,
  uniqueName,
  withRabbitMqStopped,
} from '../../../test/support/infrastructure';

class CountedPayload {
  @IsInt()
  n: number;
}

const run = uniqueName('broker');
// Served as the `routing` service in these tests (no routing service runs in the tests' vhost here).
const Square = defineRequest<CountedPayload, { squared: number }>(
  'routing',
  'square',
  CountedPayload,
);
const Counted = defineEvent(`test-${run}`, 'Counted', 1, CountedPayload);
const subscription = (name: string): Subscription<CountedPayload> => ({
  queue: `${run}.${name}`,
  event: Counted,
});

const brokers: Broker[] = [];
const queues: string[] = [];

function newBroker(
  sub: Subscription<CountedPayload>,
  options: Partial<BrokerOptions> = {},
): Broker {
  queues.push(sub.queue);
  const broker = new Broker({
    url: RABBITMQ_URL,
    name: 'broker-test',
    subscriptions: [sub],
    retryDelaysMs: [150, 300],
    confirmTimeoutMs: 3_000,
    ...options,
  });
  brokers.push(broker);
  return broker;
}

const counted = (n: number) => createEnvelope(Counted, { n });

/** A broker-independent peek at a queue, as an operator would look at it. */
async function drain(queue: string): Promise<amqp.GetMessage[]> {
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  const messages: amqp.GetMessage[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) break;
    messages.push(message);
  }
  await connection.close();
  return messages;
}

/** Waits for the broker's statistics of `queue`, refreshed every few seconds, to show `counts`. */
function queueReaches(queue: string, counts: Partial<QueueCounts>): Promise<void> {
  return eventually(async () => expect(await queueCounts(queue)).toMatchObject(counts), {
    timeoutMs: 15_000,
    intervalMs: 500,
  });
}

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

afterAll(async () => {
  await deleteQueues(queues);
});

describe('Broker against the real RabbitMQ', () => {
  it('declares a durable topic exchange and durable quorum queues, each with a dead-letter queue', async () => {
    const sub = subscription('topology');
    const broker = newBroker(sub);
    await broker.start();

    const exchanges = await rabbitmqctl(
      'list_exchanges',
      '-p',
      RABBITMQ_VHOST,
      'name',
      'type',
      'durable',
    );
    expect(exchanges).toMatch(new RegExp(`${EVENTS_EXCHANGE}\\s+topic\\s+true`));
    expect(await queueCounts(sub.queue)).toMatchObject({ type: 'quorum', durable: true });
    expect(await queueCounts(`${sub.queue}.dlq`)).toMatchObject({ type: 'quorum', durable: true });
    expect(await queueCounts(`${sub.queue}.retry`)).toMatchObject({ durable: true });
  });

  it('publishes persistent messages and resolves once the broker confirmed them', async () => {
    const sub = subscription('persistent');
    const broker = newBroker(sub);
    await broker.start();
    const event = counted(1);

    await broker.publish(event, Counted.routingKey);

    const [message] = await drain(sub.queue);
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.properties.messageId).toBe(event.eventId);
    expect(JSON.parse(message.content.toString())).toEqual(event);
  });

  it('reports a publish that no queue is bound to as failed', async () => {
    const broker = newBroker(subscription('unroutable'));
    await broker.start();
    await expect(broker.publish(counted(1), 'nobody.listens.v1')).rejects.toThrow(
      BrokerUnavailableError,
    );
  });

  it('acks a message only after its handler finished, and holds at most `prefetch` at once', async () => {
    const sub = subscription('prefetch');
    const broker = newBroker(sub, { prefetch: 3 });
    let running = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    broker.consume(sub, async (event) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await gate;
      handled.push(event.payload.n);
      running -= 1;
    });
    await broker.start();
    for (let n = 0; n < 10; n += 1) await broker.publish(counted(n), Counted.routingKey);

    await eventually(() => expect(running).toBe(3));
    await queueReaches(sub.queue, { unacked: 3, ready: 7 });

    release();
    await eventually(() => expect(handled).toHaveLength(10));
    expect(mostAtOnce).toBe(3);
    await queueReaches(sub.queue, { unacked: 0, ready: 0 });
  });

  it('acks what finished while an earlier delivery still runs, and never the one still running', async () => {
    const sub = subscription('acks');
    const broker = newBroker(sub, { prefetch: 10 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    broker.consume(sub, async (event) => {
      if (event.payload.n === 0) await gate;
      handled.push(event.payload.n);
    });
    await broker.start();
    for (let n = 0; n < 10; n += 1) await broker.publish(counted(n), Counted.routingKey);

    await eventually(() => expect(handled).toHaveLength(9));
    // The nine later ones are acked though the first is still running; the first is not.
    await queueReaches(sub.queue, { unacked: 1, ready: 0 });
    release();
    await queueReaches(sub.queue, { unacked: 0, ready: 0 });
    expect(handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries a transient failure after a delay, counting attempts, until the handler succeeds', async () => {
    const sub = subscription('retry');
    const broker = newBroker(sub);
    const attempts: number[] = [];
    broker.consume(sub, async () => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new Error('database hiccup');
    });
    await broker.start();
    await broker.publish(counted(1), Counted.routingKey);

    await eventually(() => expect(attempts).toHaveLength(3));
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(140);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(290);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(attempts).toHaveLength(3);
    expect((await drain(`${sub.queue}.dlq`)).length).toBe(0);
  });

  it('dead-letters a message that still fails after its retries, with the attempt count and error', async () => {
    const sub = subscription('exhausted');
    const broker = newBroker(sub);
    let calls = 0;
    broker.consume(sub, async () => {
      calls += 1;
      throw new Error('always broken');
    });
    await broker.start();
    const event = counted(7);
    await broker.publish(event, Counted.routingKey);

    const dead = await eventually(async () => {
      const messages = await drain(`${sub.queue}.dlq`);
      expect(messages).toHaveLength(1);
      return messages[0];
    });
    expect(calls).toBe(3);
    expect(dead.properties.messageId).toBe(event.eventId);
    expect(dead.properties.headers?.['x-attempt']).toBe(2);
    expect(dead.properties.headers?.['x-error']).toBe('always broken');
    expect(JSON.parse(dead.content.toString())).toEqual(event);
  });

  it('dead-letters a payload that fails validation at once, without calling the handler', async () => {
    const sub = subscription('invalid');
    const broker = newBroker(sub);
    let calls = 0;
    broker.consume(sub, async () => {
      calls += 1;
    });
    await broker.start();
    const invalid = { ...counted(1), payload: { n: 'not a number' } } as unknown as EventEnvelope;
    await broker.publish(invalid, Counted.routingKey);
    await broker.publish(counted(2), Counted.routingKey);

    const dead = await eventually(async () => {
      const messages = await drain(`${sub.queue}.dlq`);
      expect(messages).toHaveLength(1);
      return messages[0];
    });
    expect(String(dead.properties.headers?.['x-error'])).toContain('payload.n');
    expect(dead.properties.headers?.['x-attempt']).toBeUndefined();
    await eventually(() => expect(calls).toBe(1));
  });
});

class CreateEffects1764240000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = (queryRunner.connection.options as { schema: string }).schema;
    await queryRunner.query(`CREATE TABLE "${schema}".effects (n int NOT NULL)`);
  }
  async down(): Promise<void> {}
}

describe('Broker with a service database', () => {
  const schema = uniqueName('broker_test');
  let dataSource: DataSource;
  const transaction: Transaction = (work) => dataSource.transaction(work);

  beforeAll(async () => {
    dataSource = await openServiceDatabase({
      url: DATABASE_URL,
      schema,
      entities: [],
      migrations: [BrokerTables1764240000000, CreateEffects1764240000001],
    });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const effects = async (): Promise<number[]> =>
    (await dataSource.query<{ n: number }[]>(`SELECT n FROM "${schema}".effects ORDER BY n`)).map(
      (row) => row.n,
    );

  /** Handles each event once, recording its number in `effects`; `then` runs after the insert. */
  const recordingEffects = (queue: string, then?: (event: EventEnvelope<CountedPayload>) => void) =>
    handleOnce<CountedPayload>(
      transaction,
      { schema, consumer: queue },
      oneByOne(async (event, manager) => {
        await manager.query(`INSERT INTO "${schema}".effects (n) VALUES ($1)`, [event.payload.n]);
        then?.(event);
      }),
    );

  it('redelivers a message whose consumer lost its connection before acking, and its effect happens once', async () => {
    const sub = subscription('crash-before-ack');
    const broker = newBroker(sub);
    let deliveries = 0;
    let committedOnce!: () => void;
    const committed = new Promise<void>((resolve) => (committedOnce = resolve));
    const once = recordingEffects(sub.queue);
    broker.consume(sub, async (event) => {
      deliveries += 1;
      await once(event);
      if (deliveries === 1) {
        // The effect is committed; the connection dies before the ack can be sent.
        await closeAllConnections('test: crash before ack');
        committedOnce();
      }
    });
    await broker.start();
    await broker.publish(counted(42), Counted.routingKey);

    await committed;
    await eventually(() => expect(deliveries).toBe(2), { timeoutMs: 20_000 });
    expect(await effects()).toEqual([42]);
    await queueReaches(sub.queue, { unacked: 0, ready: 0 });
  });

  it('runs the effect once when a handler that crashed mid-transaction is retried', async () => {
    const sub = subscription('crash-in-handler');
    const broker = newBroker(sub);
    let calls = 0;
    broker.consume(
      sub,
      recordingEffects(sub.queue, () => {
        calls += 1;
        if (calls === 1) throw new Error('crashed after writing, before commit');
      }),
    );
    await broker.start();
    await broker.publish(counted(43), Counted.routingKey);

    await eventually(() => expect(calls).toBe(2));
    await eventually(async () => expect(await effects()).toEqual([42, 43]));
  });

  const effectsBetween = async (from: number, to: number) =>
    (await effects()).filter((n) => n >= from && n <= to);

  /** Publishes `count` events numbered from `first` before anyone consumes, as after an outage. */
  const publishWaiting = async (
    sub: Subscription<CountedPayload>,
    first: number,
    count: number,
  ) => {
    const publisher = newBroker(sub);
    await publisher.start();
    const published = Array.from({ length: count }, (_, index) => first + index);
    await Promise.all(published.map((n) => publisher.publish(counted(n), Counted.routingKey)));
    return published;
  };

  it('handles events that arrive together in one transaction, each once', async () => {
    const sub = subscription('batched');
    const published = await publishWaiting(sub, 100, 40);
    const transactions = new Set<string>();
    const consumer = newBroker(sub);
    consumer.consume(
      sub,
      handleOnce(
        transaction,
        { schema, consumer: sub.queue },
        oneByOne(async (event, manager) => {
          const [{ txid }] = await manager.query<{ txid: string }[]>(
            'SELECT txid_current()::text AS txid',
          );
          transactions.add(txid);
          await manager.query(`INSERT INTO "${schema}".effects (n) VALUES ($1)`, [event.payload.n]);
        }),
      ),
    );
    await consumer.start();

    await eventually(async () => expect(await effectsBetween(100, 139)).toEqual(published));
    expect(transactions.size).toBeLessThan(published.length / 2);
  });

  it('handles the others of a batch when one of its events fails, and retries only that one', async () => {
    const sub = subscription('batch-with-failure');
    const published = await publishWaiting(sub, 200, 10);
    let failures = 0;
    const consumer = newBroker(sub);
    consumer.consume(
      sub,
      recordingEffects(sub.queue, (event) => {
        // 205 fails in its batch and again on its own, then succeeds when the broker retries it.
        if (event.payload.n === 205 && failures < 2) {
          failures += 1;
          throw new Error('205 is not ready yet');
        }
      }),
    );
    await consumer.start();

    await eventually(async () => expect(await effectsBetween(200, 209)).toEqual(published));
    expect(failures).toBe(2);
    await queueReaches(sub.queue, { unacked: 0, ready: 0 });
  });

  it('keeps consuming after the server closes its connections, and loses nothing', async () => {
    const sub = subscription('connections-closed');
    const broker = newBroker(sub);
    const seen = new Set<number>();
    broker.consume(sub, async (event) => void seen.add(event.payload.n));
    await broker.start();
    await broker.publish(counted(1), Counted.routingKey);
    await eventually(() => expect(seen.has(1)).toBe(true));

    const before = await connectionIds();
    await closeAllConnections('test: server closes connections');
    await eventually(
      async () => {
        const after = await connectionIds();
        expect(after.length).toBeGreaterThan(0);
        expect(after.filter((id) => before.includes(id))).toEqual([]);
      },
      { timeoutMs: 20_000 },
    );
    await eventually(() => broker.publish(counted(2), Counted.routingKey));
    await eventually(() => expect([...seen].sort()).toEqual([1, 2]));
  });

  it('publishes what a step derived before the ack, and a redelivered event derives the same ids', async () => {
    const Doubled = defineEvent(`test-${run}`, 'Doubled', 1, CountedPayload);
    const source = subscription('step-source');
    const target: Subscription<CountedPayload> = { queue: `${run}.step-target`, event: Doubled };
    queues.push(target.queue);
    const broker = newBroker(source, { subscriptions: [source, target] });
    const derivedIds: string[] = [];
    broker.consume(
      source,
      publishDerived<CountedPayload>(broker, dataSource.manager, async (events) =>
        events.map((event) => {
          const doubled = deriveEnvelope(Doubled, { n: event.payload.n * 2 }, event);
          derivedIds.push(doubled.eventId);
          return { definition: Doubled, event: doubled };
        }),
      ),
    );
    // The next step records the ids it handled: a repeat has no second effect.
    broker.consume(target, recordingEffects(target.queue));
    await broker.start();

    // The same event twice, as RabbitMQ redelivers it when the step died before its ack.
    const event = counted(301);
    await broker.publish(event, Counted.routingKey);
    await eventually(() => expect(derivedIds).toHaveLength(1));
    await broker.publish(event, Counted.routingKey);
    await eventually(() => expect(derivedIds).toHaveLength(2));
    expect(derivedIds[1]).toBe(derivedIds[0]);
    await eventually(
      async () => expect(await queueCounts(target.queue)).toMatchObject({ unacked: 0, ready: 0 }),
      { timeoutMs: 15_000, intervalMs: 300 },
    );
    expect(await effectsBetween(600, 699)).toEqual([602]);
  });

  const outboxRows = async (): Promise<number> =>
    (
      await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${schema}".outbox`)
    )[0].n;

  /** A started broker that records what reaches `name`'s queue in `seen`, and an outbox on it. */
  const outboxWithListener = async (
    name: string,
    options: { pollMs?: number; leftoverAfterMs: number },
  ) => {
    const sub = subscription(name);
    const broker = newBroker(sub);
    const outbox = new Outbox(dataSource, broker, { schema, ...options });
    const seen: number[] = [];
    broker.consume(sub, async (event) => void seen.push(event.payload.n));
    await broker.start();
    return { broker, outbox, seen };
  };

  it('publishes the events of a transaction as soon as it commits, and deletes them in the next pass', async () => {
    // No relay pass runs until the test asks: the publish comes from the commit alone.
    const { outbox, seen } = await outboxWithListener('outbox-after-commit', {
      leftoverAfterMs: 60_000,
    });

    await outbox.transaction(async (manager) => {
      await outbox.add(manager, Counted, counted(11));
      await outbox.addMany(manager, Counted, [counted(12), counted(13)]);
    });
    await eventually(() => expect(seen.sort()).toEqual([11, 12, 13]));
    expect(await outboxRows()).toBe(3);
    await outbox.relay();
    expect(await outboxRows()).toBe(0);

    // A transaction that fails publishes nothing.
    await expect(
      outbox.transaction(async (manager) => {
        await outbox.add(manager, Counted, counted(14));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await outbox.stop();
    expect(seen.sort()).toEqual([11, 12, 13]);
    expect(await outboxRows()).toBe(0);
  });

  it('publishes at once what one statement added to the outbox, with the events it added', async () => {
    const { outbox, seen } = await outboxWithListener('outbox-statement', {
      leftoverAfterMs: 60_000,
    });

    const events = [counted(31), counted(32), counted(33)];
    const added = await outbox.addByStatement(
      (table) => `
        INSERT INTO ${table} (routing_key, envelope)
        SELECT $1, envelope FROM unnest($2::jsonb[]) AS envelope
         WHERE (envelope->'payload'->>'n')::int <> 32
        RETURNING id, routing_key, envelope`,
      [Counted.routingKey, events.map((event) => JSON.stringify(event))],
    );
    expect(added.map((event) => event.eventId).sort()).toEqual(
      [events[0].eventId, events[2].eventId].sort(),
    );
    await eventually(() => expect(seen.sort()).toEqual([31, 33]));
    await outbox.stop();
    expect(await outboxRows()).toBe(0);
  });

  it('stops on purpose without handing work back: running handlers finish and are acked, their events leave, nothing new starts', async () => {
    const Doubled = defineEvent(`test-${run}`, 'Doubled', 1, CountedPayload);
    const source = subscription('graceful-source');
    const target: Subscription<CountedPayload> = {
      queue: `${run}.graceful-target`,
      event: Doubled,
    };
    queues.push(target.queue);
    const broker = newBroker(source, { subscriptions: [source, target] });
    // No relay pass publishes leftovers during the test: what leaves, leaves at its commit.
    const outbox = new Outbox(dataSource, broker, { schema, leftoverAfterMs: 60_000 });
    const started: number[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const once = recordingEffects(source.queue);
    // Two at a time: the third waits in the queue while the first two run.
    broker.consume(
      source,
      async (event) => {
        started.push(event.payload.n);
        await released;
        await once(event);
        await outbox.transaction((manager) =>
          outbox.add(manager, Doubled, deriveEnvelope(Doubled, { n: event.payload.n * 2 }, event)),
        );
      },
      { prefetch: 2 },
    );
    const listener = newBroker(target);
    const seen: number[] = [];
    listener.consume(target, async (event) => void seen.push(event.payload.n));
    await Promise.all([broker.start(), listener.start()]);

    for (const n of [801, 802, 803]) await broker.publish(counted(n), Counted.routingKey);
    await eventually(() => expect(started.sort()).toEqual([801, 802]));
    const stopping = broker.stopConsuming();
    release();
    await stopping;
    await outbox.stop();
    await broker.close();

    expect(started.sort()).toEqual([801, 802]);
    expect(await effectsBetween(800, 899)).toEqual([801, 802]);
    await eventually(() => expect(seen.sort()).toEqual([1602, 1604]));
    expect(await outboxRows()).toBe(0);
    // The two handled were acked before the connection closed; the third, never started, is left
    // for the next instance.
    const left = await drain(source.queue);
    expect(left.map((message) => JSON.parse(message.content.toString()).payload.n)).toEqual([803]);
  });

  it('refuses an event added outside a transaction of its own, so none waits for the relay', async () => {
    const outbox = new Outbox(dataSource, newBroker(subscription('outbox-outside')), { schema });
    await expect(
      dataSource.transaction((manager) => outbox.add(manager, Counted, counted(15))),
    ).rejects.toThrow('Outbox.transaction');
    expect(await outboxRows()).toBe(0);
  });

  it('relays the rows a crash left between commit and publish, once they are older than leftoverAfterMs', async () => {
    const { outbox, seen } = await outboxWithListener('outbox-leftovers', {
      pollMs: 100,
      leftoverAfterMs: 1_500,
    });
    // As a process that died after its commit leaves them: committed, never published.
    await dataSource.query(
      `INSERT INTO "${schema}".outbox (routing_key, envelope) SELECT $1, unnest($2::jsonb[])`,
      [Counted.routingKey, [counted(21), counted(22)].map((event) => JSON.stringify(event))],
    );
    const since = Date.now();
    outbox.start();
    try {
      await eventually(() => expect(seen.sort()).toEqual([21, 22]));
      expect(Date.now() - since).toBeGreaterThanOrEqual(1_000);
      await eventually(async () => expect(await outboxRows()).toBe(0));
    } finally {
      await outbox.stop();
    }
  });

  it('survives RabbitMQ stopping and starting: a publish meanwhile fails, the outbox and consumers resume', async () => {
    const { broker, outbox, seen } = await outboxWithListener('restart', {
      pollMs: 200,
      leftoverAfterMs: 1_000,
    });
    outbox.start();
    try {
      await broker.publish(counted(1), Counted.routingKey);
      await eventually(() => expect(seen).toEqual([1]));

      await withRabbitMqStopped(async () => {
        await eventually(() => expect(broker.connected).toBe(false));
        // Nothing is buffered in memory: the caller learns at once that the event is not safe.
        await expect(broker.publish(counted(2), Counted.routingKey)).rejects.toThrow(
          BrokerUnavailableError,
        );
        // What is committed to the outbox is certain to be published once the broker is back,
        // although its publish after the commit failed.
        await outbox.transaction((manager) => outbox.add(manager, Counted, counted(3)));
      });

      await eventually(() => expect(seen).toEqual([1, 3]), { timeoutMs: 30_000 });
      await broker.publish(counted(4), Counted.routingKey);
      await eventually(() => expect(seen).toEqual([1, 3, 4]));
      await eventually(async () => expect(await outboxRows()).toBe(0));
    } finally {
      await outbox.stop();
    }
  });

  it("answers requests over the broker with the answerer's reply: a result or a domain error", async () => {
    const sub = subscription('rpc');
    const server = newBroker(sub);
    const seen: IncomingRequest[] = [];
    server.serve('routing', async (request) => {
      seen.push(request);
      const { n } = request.payload as CountedPayload;
      return n < 0
        ? { ok: false, error: { code: 'INVALID_INPUT', message: 'n must not be negative' } }
        : { ok: true, result: { squared: n * n } };
    });
    const client = newBroker(sub);
    await server.start();
    await client.start();

    await runWithCorrelation({ correlationId: 'asked-by-test' }, async () => {
      await expect(client.request(Square, { n: 7 })).resolves.toEqual({ squared: 49 });
    });
    await expect(client.request(Square, { n: -1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'n must not be negative',
    });
    expect(seen[0]).toEqual({
      name: Square.name,
      payload: { n: 7 },
      correlationId: 'asked-by-test',
    });
  });

  it('answers the requests it took before it stopped consuming, and takes no new ones', async () => {
    const sub = subscription('rpc-stop');
    const server = newBroker(sub);
    const asked: number[] = [];
    const answered: number[] = [];
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.serve('routing', async (request) => {
      const { n } = request.payload as CountedPayload;
      asked.push(n);
      started();
      await released;
      await new Promise((resolve) => setTimeout(resolve, 200));
      answered.push(n);
      return { ok: true, result: { squared: n * n } };
    });
    const client = newBroker(sub);
    await Promise.all([server.start(), client.start()]);

    const answer = client.request(Square, { n: 3 });
    await handling;
    const stopping = server.stopConsuming();
    release();
    await stopping;
    // It waited for the request it had taken.
    expect(answered).toEqual([3]);
    await expect(answer).resolves.toEqual({ squared: 9 });
    await expect(client.request(Square, { n: 4 }, 1_000)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(asked).toEqual([3]);
  });

  it('reports a service that does not answer in time as unavailable', async () => {
    const client = newBroker(subscription('rpc-timeout'));
    await client.start();
    await expect(client.request(ping('notification'), {}, 300)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'notification did not answer within 300 ms',
    });
  });
});
