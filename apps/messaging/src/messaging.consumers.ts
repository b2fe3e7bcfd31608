import { Injectable, OnModuleInit } from '@nestjs/common';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventConsumers } from '@fidelis/runtime';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';
import { RecordOptOutUseCase } from './opt-outs/record-opt-out.use-case';
import { RecordStatusReportUseCase } from './status/record-status-report.use-case';

@Injectable()
export class MessagingConsumers implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly storeInboundSms: StoreInboundSmsUseCase,
    private readonly recordStatusReport: RecordStatusReportUseCase,
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly recordNumberAssigned: RecordNumberAssignedUseCase,
    private readonly recordNumberUnassigned: RecordNumberUnassignedUseCase,
    private readonly recordNumberReleased: RecordNumberReleasedUseCase,
    private readonly recordOptOut: RecordOptOutUseCase,
  ) {}

  onModuleInit(): void {
    this.consumers.registerIdempotent(SUBSCRIPTIONS.messagingSmsRouted, (events) =>
      this.storeInboundSms.execute(events),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingSmsStatusReported, (event, manager) =>
      this.recordStatusReport.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingStudentUpserted, (event, manager) =>
      this.upsertStudent.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingStaffUpserted, (event, manager) =>
      this.upsertStaff.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingNumberAssigned, (event, manager) =>
      this.recordNumberAssigned.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingNumberUnassigned, (event, manager) =>
      this.recordNumberUnassigned.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingNumberReleased, (event, manager) =>
      this.recordNumberReleased.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingSmsOptOutChanged, (event, manager) =>
      this.recordOptOut.execute(event, manager),
    );
  }
}
