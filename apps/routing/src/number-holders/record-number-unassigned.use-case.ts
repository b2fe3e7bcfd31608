import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberUnassignedPayload } from '@fidelis/contracts';

/** Records the end of an assignment, whether or not its NumberAssigned has arrived yet. */
@Injectable()
export class RecordNumberUnassignedUseCase {
  async execute(
    event: EventEnvelope<NumberUnassignedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const unassigned = event.payload;
    await manager.query(
      `INSERT INTO routing.number_assignments
         (assignment_id, number_id, phone_number, staff_id, ended_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (assignment_id) DO UPDATE SET ended_at = EXCLUDED.ended_at`,
      [
        unassigned.assignmentId,
        unassigned.numberId,
        unassigned.phoneNumber,
        unassigned.staffId,
        unassigned.endedAt,
      ],
    );
  }
}
