import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, StaffUpsertedPayload } from '@fidelis/contracts';

/** Keeps messaging's copy of a staff member; an event older than the stored row changes nothing. */
@Injectable()
export class UpsertStaffUseCase {
  async execute(event: EventEnvelope<StaffUpsertedPayload>, manager: EntityManager): Promise<void> {
    const staff = event.payload;
    await manager.query(
      `INSERT INTO messaging.staff (staff_id, name, email, role, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (staff_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, role = EXCLUDED.role,
             updated_at = EXCLUDED.updated_at
         WHERE staff.updated_at < EXCLUDED.updated_at`,
      [staff.staffId, staff.name, staff.email, staff.role, event.occurredAt],
    );
  }
}
