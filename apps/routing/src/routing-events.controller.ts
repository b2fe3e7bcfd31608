import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Derived } from '@fidelis/broker';
import {
  EventEnvelope,
  NumberAssignedPayload,
  NumberReleasedPayload,
  NumberUnassignedPayload,
  SmsReceivedPayload,
  StudentResolvedPayload,
  StudentUpsertedPayload,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { EventContext, OnEvent } from '@fidelis/runtime';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { ResolveStudentUseCase } from './inbound/resolve-student.use-case';
import { RouteToHolderUseCase } from './inbound/route-to-holder.use-case';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';

/** Routing's events: the two steps of inbound mapping, and its copies of students and holders. */
@Controller()
export class RoutingEventsController {
  constructor(
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly recordNumberAssigned: RecordNumberAssignedUseCase,
    private readonly recordNumberUnassigned: RecordNumberUnassignedUseCase,
    private readonly recordNumberReleased: RecordNumberReleasedUseCase,
    private readonly resolveStudent: ResolveStudentUseCase,
    private readonly routeToHolder: RouteToHolderUseCase,
  ) {}

  @OnEvent(SUBSCRIPTIONS.routingSmsReceived, 'derive')
  smsReceived(
    @Payload() events: EventEnvelope<SmsReceivedPayload>[],
    @Ctx() context: EventContext,
  ): Promise<Derived[]> {
    return this.resolveStudent.execute(events, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.routingStudentResolved, 'derive')
  studentResolved(
    @Payload() events: EventEnvelope<StudentResolvedPayload>[],
    @Ctx() context: EventContext,
  ): Promise<Derived[]> {
    return this.routeToHolder.execute(events, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.routingStudentUpserted)
  studentUpserted(
    @Payload() event: EventEnvelope<StudentUpsertedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.upsertStudent.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.routingNumberAssigned)
  numberAssigned(
    @Payload() event: EventEnvelope<NumberAssignedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberAssigned.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.routingNumberUnassigned)
  numberUnassigned(
    @Payload() event: EventEnvelope<NumberUnassignedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberUnassigned.execute(event, context.manager);
  }

  @OnEvent(SUBSCRIPTIONS.routingNumberReleased)
  numberReleased(
    @Payload() event: EventEnvelope<NumberReleasedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.recordNumberReleased.execute(event, context.manager);
  }
}
