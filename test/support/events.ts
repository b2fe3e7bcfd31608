import { randomInt } from 'node:crypto';
import { Pool } from 'pg';
import { Broker } from '@fidelis/broker';
import {
  createEnvelope,
  EventDefinition,
  EventEnvelope,
  Subscription,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { eventually } from './eventually';
import { queueCounts, RABBITMQ_URL } from './infrastructure';

/** Publishes events as their owning service would, for tests of the services that consume them. */
export interface EventPublisher {
  /** Publishes `payload` in a new envelope (`occurredAt` now unless given) and returns it. */
  publish<P extends object>(
    definition: EventDefinition<P>,
    payload: P,
    options?: { occurredAt?: Date },
  ): Promise<EventEnvelope<P>>;
  /** Publishes an envelope as it is, e.g. once more, as a redelivery would. */
  republish<P extends object>(
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startPublisher(): Promise<EventPublisher> {
  const broker = new Broker({
    url: RABBITMQ_URL,
    name: 'test',
    subscriptions: Object.values(SUBSCRIPTIONS),
  });
  await broker.start();
  return {
    async publish(definition, payload, options = {}) {
      const event = createEnvelope(definition, payload);
      if (options.occurredAt) event.occurredAt = options.occurredAt.toISOString();
      await broker.publish(event, definition.routingKey);
      return event;
    },
    republish: (definition, event) => broker.publish(event, definition.routingKey),
    close: () => broker.close(),
  };
}

/** Waits until the consumer of `subscription` has committed its handling of `event`. */
export async function handled(
  db: Pool,
  subscription: Subscription,
  event: EventEnvelope,
): Promise<void> {
  const schema = subscription.queue.split('.')[0];
  await eventually(async () => {
    const { rows } = await db.query(
      `SELECT 1 FROM "${schema}".processed_events WHERE consumer = $1 AND event_id = $2`,
      [subscription.queue, event.eventId],
    );
    expect(rows).toHaveLength(1);
  });
}

/** Waits until the queue of `subscription` holds nothing, neither waiting nor being handled. */
export async function drained(subscription: Subscription): Promise<void> {
  await eventually(
    async () => {
      const counts = await queueCounts(subscription.queue);
      expect(counts.ready + counts.unacked).toBe(0);
    },
    { intervalMs: 250 },
  );
}

/** A North American E.164 number no earlier test run is likely to have used. */
export function randomPhone(): string {
  return `+1${randomInt(200, 1000)}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}
