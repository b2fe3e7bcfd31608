import { Injectable, OnModuleInit } from '@nestjs/common';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventConsumers } from '@fidelis/runtime';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';

@Injectable()
export class NotificationConsumers implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly upsertStaff: UpsertStaffUseCase,
  ) {}

  onModuleInit(): void {
    this.consumers.register(SUBSCRIPTIONS.notificationStaffUpserted, (event, manager) =>
      this.upsertStaff.execute(event, manager),
    );
  }
}
