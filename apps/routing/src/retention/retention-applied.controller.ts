import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventEnvelope, RetentionAppliedPayload, SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventContext, OnEvent, RetentionCopies } from '@fidelis/runtime';

/** Routing keeps message text only in envelopes waiting in its outbox: retention empties the old ones. */
@Controller()
export class RoutingRetentionController {
  constructor(private readonly copies: RetentionCopies) {}

  @OnEvent(SUBSCRIPTIONS.routingRetentionApplied)
  async retentionApplied(
    @Payload() event: EventEnvelope<RetentionAppliedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    await this.copies.purge(context.manager, 'routing', event.payload);
  }
}
