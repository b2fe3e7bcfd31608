import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';

/**
 * Makes a webhook durable before Twilio gets its 200: the receipt (keyed by MessageSid and kind)
 * and the event are committed together to the outbox, from which the relay certainly publishes
 * them. A repeated webhook finds its receipt and publishes nothing.
 */
@Injectable()
export class AcceptWebhookUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Resolves true for a new webhook, false for a repeat; rejects when it could not be stored. */
  async execute<P extends object>(
    receipt: { messageSid: string; kind: string },
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<boolean> {
    const isNew = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO gateway.received_webhooks (message_sid, kind) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING message_sid`,
        [receipt.messageSid, receipt.kind],
      );
      if (inserted.length === 0) return false;
      await this.outbox.add(manager, definition, event);
      return true;
    });
    if (isNew) void this.outbox.flush();
    return isNew;
  }
}
