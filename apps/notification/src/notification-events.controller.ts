import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  EventEnvelope,
  InboundSmsStoredPayload,
  SmsStatusChangedPayload,
  StaffUpsertedPayload,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { EventContext, OnEvent } from '@fidelis/runtime';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { NotifyInboundSmsUseCase } from './inbound/notify-inbound-sms.use-case';
import { NotifyUndeliverableUseCase } from './undeliverable/notify-undeliverable.use-case';

/** Notification's events: who to tell about an inbound SMS or a message that was not delivered. */
@Controller()
export class NotificationEventsController {
  constructor(
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly notifyInboundSms: NotifyInboundSmsUseCase,
    private readonly notifyUndeliverable: NotifyUndeliverableUseCase,
  ) {}

  @OnEvent(SUBSCRIPTIONS.notificationStaffUpserted)
  staffUpserted(
    @Payload() event: EventEnvelope<StaffUpsertedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.upsertStaff.execute(event, context.manager);
  }

  /**
   * `each`, not `once`: a transaction would roll back on failure, and what was already pushed must
   * stay recorded when a later push fails. The use case is idempotent by message, and handles the
   * messages waiting together at once.
   */
  @OnEvent(SUBSCRIPTIONS.notificationInboundSmsStored, 'each')
  inboundSmsStored(@Payload() event: EventEnvelope<InboundSmsStoredPayload>): Promise<void> {
    return this.notifyInboundSms.execute(event);
  }

  @OnEvent(SUBSCRIPTIONS.notificationSmsStatusChanged)
  smsStatusChanged(
    @Payload() event: EventEnvelope<SmsStatusChangedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.notifyUndeliverable.execute(event, context.manager);
  }
}
