import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberAssignedPayload } from '@fidelis/contracts';
import { NumberHolders } from './number-holders';

/**
 * Records the start of an assignment. Its NumberUnassigned may have come first (another queue):
 * then the row exists with its end, and only the start is filled in. The new holder of a number
 * takes over the replies that came to it while nobody held it, so none waits unanswered.
 */
@Injectable()
export class RecordNumberAssignedUseCase {
  constructor(private readonly holders: NumberHolders) {}

  async execute(
    event: EventEnvelope<NumberAssignedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const assignment = event.payload;
    await this.holders.record(manager, { ...assignment, endedAt: null });
    // Only while the assignment holds: a late event of an earlier holder hands nothing over.
    const holder = await this.holders.holderAt(assignment.phoneNumber, new Date(), manager);
    if (holder !== assignment.staffId) return;
    await manager.query(
      `UPDATE messaging.messages SET staff_id = $1, status = 'received', updated_at = now()
        WHERE direction = 'inbound' AND staff_id IS NULL AND to_phone = $2`,
      [assignment.staffId, assignment.phoneNumber],
    );
  }
}
