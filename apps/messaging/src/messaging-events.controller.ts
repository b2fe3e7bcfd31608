import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  EventEnvelope,
  NumberAssignedPayload,
  NumberReleasedPayload,
  NumberUnassignedPayload,
  SmsOptOutChangedPayload,
  SmsRoutedPayload,
  SmsStatusReportedPayload,
  StaffUpsertedPayload,
  StudentUpsertedPayload,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { EventContext, OnEvent } from '@fidelis/runtime';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';
import { RecordOptOutUseCase } from './opt-outs/record-opt-out.use-case';
import { RecordStatusReportUseCase } from './status/record-status-report.use-case';

/** Messaging's events: routed inbound SMS, Twilio's status reports, and its copies of the directory. */
@Controller()
export class MessagingEventsController {
  constructor(
    private readonly storeInboundSms: StoreInboundSmsUseCase,
    private readonly recordStatusReport: RecordStatusReportUseCase,
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly recordNumberAssigned: RecordNumberAssignedUseCase,
    private readonly recordNumberUnassigned: RecordNumberUnassignedUseCase,
    private readonly recordNumberReleased: RecordNumberReleasedUseCase,
    private readonly recordOptOut: RecordOptOutUseCase,
  ) {}

  /** Stored once by the MessageSid's unique key: no transaction, the waiting ones together. */
  @OnEvent(SUBSCRIPTIONS.messagingSmsRouted, 'batch')
  smsRouted(@Payload() events: EventEnvelope<SmsRoutedPayload>[]): Promise<void> {
    return this.storeInboundSms.execute(events);
  }

  @OnEvent(SUBSCRIPTIONS.messagingSmsStatusReported)
  smsStatusReported(
    @Payload() event: EventEnvelope<SmsStatusReportedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordStatusReport.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingStudentUpserted)
  studentUpserted(
    @Payload() event: EventEnvelope<StudentUpsertedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.upsertStudent.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingStaffUpserted)
  staffUpserted(
    @Payload() event: EventEnvelope<StaffUpsertedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.upsertStaff.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingNumberAssigned)
  numberAssigned(
    @Payload() event: EventEnvelope<NumberAssignedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberAssigned.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingNumberUnassigned)
  numberUnassigned(
    @Payload() event: EventEnvelope<NumberUnassignedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberUnassigned.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingNumberReleased)
  numberReleased(
    @Payload() event: EventEnvelope<NumberReleasedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberReleased.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.messagingSmsOptOutChanged)
  smsOptOutChanged(
    @Payload() event: EventEnvelope<SmsOptOutChangedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordOptOut.execute(event, context.manager);
  }
}
