import { Injectable, OnModuleInit } from '@nestjs/common';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventConsumers } from '@fidelis/runtime';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { ResolveStudentUseCase } from './inbound/resolve-student.use-case';
import { RouteToHolderUseCase } from './inbound/route-to-holder.use-case';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';

@Injectable()
export class RoutingConsumers implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly recordNumberAssigned: RecordNumberAssignedUseCase,
    private readonly recordNumberUnassigned: RecordNumberUnassignedUseCase,
    private readonly recordNumberReleased: RecordNumberReleasedUseCase,
    private readonly resolveStudent: ResolveStudentUseCase,
    private readonly routeToHolder: RouteToHolderUseCase,
  ) {}

  onModuleInit(): void {
    this.consumers.registerStep(SUBSCRIPTIONS.routingSmsReceived, (events, manager) =>
      this.resolveStudent.execute(events, manager),
    );
    this.consumers.registerStep(SUBSCRIPTIONS.routingStudentResolved, (events, manager) =>
      this.routeToHolder.execute(events, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.routingStudentUpserted, (event, manager) =>
      this.upsertStudent.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.routingNumberAssigned, (event, manager) =>
      this.recordNumberAssigned.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.routingNumberUnassigned, (event, manager) =>
      this.recordNumberUnassigned.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.routingNumberReleased, (event, manager) =>
      this.recordNumberReleased.execute(event, manager),
    );
  }
}
