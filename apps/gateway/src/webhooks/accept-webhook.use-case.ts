import { Injectable } from '@nestjs/common';
import { Batches, Outbox } from '@fidelis/broker';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';

/**
 * How long a webhook may wait to be stored before it is refused. Twilio stops waiting after 15 s
 * and treats no answer like a 5xx; a 503 in time says so in our logs and lets it retry (or use
 * its fallback URL) sooner. Should the store commit after all, the retry finds its receipt.
 */
export const STORE_DEADLINE_MS = 10_000;

/** The webhook was not stored within `STORE_DEADLINE_MS`. */
export class StoreDeadlineError extends Error {
  override readonly name = 'StoreDeadlineError';
}

interface Webhook {
  receipt: { messageSid: string; kind: string };
  definition: EventDefinition<object>;
  event: EventEnvelope<object>;
}

/**
 * Makes a webhook durable before Twilio gets its 200: the receipt (keyed by MessageSid and kind)
 * and the event are committed together to the outbox, which certainly publishes them. A repeated
 * webhook finds its receipt and publishes nothing. Webhooks that arrive while a commit is running
 * share the next one (group commit); each is answered only after it.
 */
@Injectable()
export class AcceptWebhookUseCase {
  private readonly batches = new Batches<Webhook, boolean>((webhooks) => this.store(webhooks));

  constructor(private readonly outbox: Outbox) {}

  /**
   * Resolves true for a new webhook, false for a repeat; rejects when it could not be stored, or
   * not within `STORE_DEADLINE_MS`.
   */
  async execute<P extends object>(
    receipt: { messageSid: string; kind: string },
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreDeadlineError(`not stored within ${STORE_DEADLINE_MS} ms`)),
        STORE_DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([this.batches.submit({ receipt, definition, event }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stores webhooks with one statement: the receipts, and the events of those that were new. A
   * repeat within the batch (Twilio retried quickly) is new once: its first copy's event is kept.
   * For each webhook, whether it was new.
   */
  private async store(webhooks: Webhook[]): Promise<boolean[]> {
    const added = await this.outbox.addByStatement(
      (outbox) => `
        WITH webhook AS (
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY
            AS w(message_sid, kind, routing_key, envelope, n)
        ), receipt AS (
          INSERT INTO gateway.received_webhooks (message_sid, kind)
          SELECT message_sid, kind FROM webhook
          ON CONFLICT DO NOTHING RETURNING message_sid, kind
        )
        INSERT INTO ${outbox} (routing_key, envelope)
        SELECT DISTINCT ON (message_sid, kind) routing_key, envelope
          FROM webhook JOIN receipt USING (message_sid, kind)
         ORDER BY message_sid, kind, n
        RETURNING id, routing_key, envelope`,
      [
        webhooks.map((w) => w.receipt.messageSid),
        webhooks.map((w) => w.receipt.kind),
        webhooks.map((w) => w.definition.routingKey),
        webhooks.map((w) => JSON.stringify(w.event)),
      ],
    );
    const addedIds = new Set(added.map((event) => event.eventId));
    return webhooks.map((w) => addedIds.has(w.event.eventId));
  }
}
