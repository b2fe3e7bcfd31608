import { Injectable, OnModuleInit } from '@nestjs/common';
import { BATCH_SIZE, Broker } from '@fidelis/broker';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventConsumers } from '@fidelis/runtime';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { NotifyInboundSmsUseCase } from './inbound/notify-inbound-sms.use-case';
import { NotifyUndeliverableUseCase } from './undeliverable/notify-undeliverable.use-case';

@Injectable()
export class NotificationConsumers implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly broker: Broker,
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly notifyInboundSms: NotifyInboundSmsUseCase,
    private readonly notifyUndeliverable: NotifyUndeliverableUseCase,
  ) {}

  onModuleInit(): void {
    this.consumers.register(SUBSCRIPTIONS.notificationStaffUpserted, (event, manager) =>
      this.upsertStaff.execute(event, manager),
    );
    // Not EventConsumers.register: its transaction rolls back on failure, and what was already
    // pushed must stay recorded when a later push fails. The use case is idempotent by message.
    // Up to a whole batch in hand: the use case handles the messages waiting together at once.
    this.broker.consume(
      SUBSCRIPTIONS.notificationInboundSmsStored,
      (event) => this.notifyInboundSms.execute(event),
      { prefetch: BATCH_SIZE },
    );
    this.consumers.register(SUBSCRIPTIONS.notificationSmsStatusChanged, (event, manager) =>
      this.notifyUndeliverable.execute(event, manager),
    );
  }
}
