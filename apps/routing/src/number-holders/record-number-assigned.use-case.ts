import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberAssignedPayload } from '@fidelis/contracts';

/**
 * Records the start of an assignment. Its NumberUnassigned may have come first (another queue):
 * then the row exists with its end, and only the start is filled in.
 */
@Injectable()
export class RecordNumberAssignedUseCase {
  async execute(
    event: EventEnvelope<NumberAssignedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const assigned = event.payload;
    await manager.query(
      `INSERT INTO routing.numbers (number_id, phone_number) VALUES ($1, $2)
       ON CONFLICT (number_id) DO NOTHING`,
      [assigned.numberId, assigned.phoneNumber],
    );
    await manager.query(
      `INSERT INTO routing.number_assignments
         (assignment_id, number_id, phone_number, staff_id, started_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (assignment_id) DO UPDATE SET started_at = EXCLUDED.started_at`,
      [
        assigned.assignmentId,
        assigned.numberId,
        assigned.phoneNumber,
        assigned.staffId,
        assigned.startedAt,
      ],
    );
  }
}
