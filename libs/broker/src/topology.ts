import type { Channel } from 'amqplib';
import { Subscription } from '@fidelis/contracts';

/** The one durable topic exchange every event is published to. */
export const EVENTS_EXCHANGE = 'fidelis.events';

export const retryQueue = (queue: string) => `${queue}.retry`;
export const deadLetterQueue = (queue: string) => `${queue}.dlq`;

/** How many times a message may come back to a queue unacked (consumer crashes) before it is dead-lettered. */
const DELIVERY_LIMIT = 20;

/**
 * Declares the exchange and, for each subscription, its quorum queue bound to the event's routing
 * key, a retry queue whose expired messages go back to it, and a dead-letter queue. Idempotent.
 */
export async function assertTopology(
  channel: Channel,
  subscriptions: Subscription[],
): Promise<void> {
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  for (const { queue, event } of subscriptions) {
    await channel.assertQueue(deadLetterQueue(queue), {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.assertQueue(retryQueue(queue), {
      durable: true,
      // Classic: each retried message carries its own delay (`expiration`), then dead-letters back.
      arguments: {
        'x-queue-type': 'classic',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      },
    });
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': deadLetterQueue(queue),
        'x-delivery-limit': DELIVERY_LIMIT,
      },
    });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, event.routingKey);
  }
}
