import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberAssignedPayload } from '@fidelis/contracts';
import { NumberHolders } from './number-holders';

/**
 * Records the start of an assignment. Its NumberUnassigned may have come first (another queue):
 * then the row exists with its end, and only the start is filled in.
 */
@Injectable()
export class RecordNumberAssignedUseCase {
  constructor(private readonly holders: NumberHolders) {}

  async execute(
    event: EventEnvelope<NumberAssignedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.holders.record(manager, { ...event.payload, endedAt: null });
  }
}
