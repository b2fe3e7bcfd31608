import { Injectable } from '@nestjs/common';
import { Batches, Outbox } from '@fidelis/broker';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';

interface Webhook {
  receipt: { messageSid: string; kind: string };
  definition: EventDefinition<object>;
  event: EventEnvelope<object>;
}

/**
 * Makes a webhook durable before Twilio gets its 200: the receipt (keyed by MessageSid and kind)
 * and the event are committed together to the outbox, which certainly publishes them. A repeated webhook finds its receipt and publishes nothing. Webhooks that arrive while a
 * commit is running share the next one (group commit); each is answered only after it.
 */
@Injectable()
export class AcceptWebhookUseCase {
  private readonly batches = new Batches<Webhook, boolean>((webhooks) => this.store(webhooks));

  constructor(private readonly outbox: Outbox) {}

  /** Resolves true for a new webhook, false for a repeat; rejects when it could not be stored. */
  execute<P extends object>(
    receipt: { messageSid: string; kind: string },
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<boolean> {
    return this.batches.submit({ receipt, definition, event });
  }

  /** Stores webhooks in one transaction; for each, whether it was new. */
  private async store(webhooks: Webhook[]): Promise<boolean[]> {
    return this.outbox.transaction(async (manager) => {
      const inserted = await manager.query<{ message_sid: string; kind: string }[]>(
        `INSERT INTO gateway.received_webhooks (message_sid, kind)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING RETURNING message_sid, kind`,
        [webhooks.map((w) => w.receipt.messageSid), webhooks.map((w) => w.receipt.kind)],
      );
      const fresh = new Set(inserted.map((row) => `${row.kind} ${row.message_sid}`));
      // delete: the same webhook twice in one batch (Twilio retried quickly) is new once.
      const isNew = webhooks.map((w) => fresh.delete(`${w.receipt.kind} ${w.receipt.messageSid}`));
      const byDefinition = new Map<EventDefinition<object>, EventEnvelope<object>[]>();
      webhooks.forEach((w, index) => {
        if (!isNew[index]) return;
        byDefinition.set(w.definition, [...(byDefinition.get(w.definition) ?? []), w.event]);
      });
      for (const [definition, events] of byDefinition) {
        await this.outbox.addMany(manager, definition, events);
      }
      return isNew;
    });
  }
}
