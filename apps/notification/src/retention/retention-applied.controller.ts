import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventEnvelope, RetentionAppliedPayload, SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventContext, OnEvent, RetentionCopies } from '@fidelis/runtime';

/** Notification keeps message text only in envelopes waiting in its outbox: retention empties the old ones. */
@Controller()
export class NotificationRetentionController {
  constructor(private readonly copies: RetentionCopies) {}

  @OnEvent(SUBSCRIPTIONS.notificationRetentionApplied)
  async retentionApplied(
    @Payload() event: EventEnvelope<RetentionAppliedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    await this.copies.purge(context.manager, 'notification', event.payload);
  }
}
