import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, SmsReceivedPayload } from '@fidelis/contracts';
import { InboundMessage } from './inbound-message.entity';

/**
 * Keeps every SMS the gateway received, once per MessageSid, so that nothing received is ever
 * lost while routing decides whose it is.
 */
@Injectable()
export class StoreInboundSmsUseCase {
  async execute(event: EventEnvelope<SmsReceivedPayload>, manager: EntityManager): Promise<void> {
    const sms = event.payload;
    await manager
      .createQueryBuilder()
      .insert()
      .into(InboundMessage)
      .values({
        messageSid: sms.messageSid,
        accountSid: sms.accountSid,
        from: sms.from,
        to: sms.to,
        body: sms.body,
        media: sms.media,
        receivedAt: new Date(sms.receivedAt),
        correlationId: event.correlationId,
      })
      .orIgnore()
      .execute();
  }
}
