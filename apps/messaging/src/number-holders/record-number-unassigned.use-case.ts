import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberUnassignedPayload } from '@fidelis/contracts';
import { NumberHolders } from './number-holders';

/** Records the end of an assignment, whether or not its NumberAssigned has arrived yet. */
@Injectable()
export class RecordNumberUnassignedUseCase {
  constructor(private readonly holders: NumberHolders) {}

  async execute(
    event: EventEnvelope<NumberUnassignedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.holders.record(manager, { ...event.payload, startedAt: null });
  }
}
