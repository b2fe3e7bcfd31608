import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StaffUpsertedPayload, StudentUpsertedPayload, Versioned } from '@fidelis/contracts';

/**
 * Messaging's copy of the staff and students, written from the owner's events and from its
 * answers before a send. `updatedAt` is the owner's version of the row (an event's `occurredAt`):
 * an older version than the stored one changes nothing, whichever way it came.
 */
@Injectable()
export class DirectoryCopy {
  async upsertStudents(
    manager: EntityManager,
    students: Versioned<StudentUpsertedPayload>[],
  ): Promise<void> {
    // Only rows that are new or newer are written (an up-to-date copy takes no row locks), and in
    // the order of their ids.
    await manager.query(
      `INSERT INTO messaging.students (student_id, name, email, sms_phone, timezone, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[],
                            $5::timestamptz[])
                AS r (student_id, name, email, sms_phone, timezone, updated_at)
        WHERE NOT EXISTS (SELECT 1 FROM messaging.students s
                           WHERE s.student_id = r.student_id AND s.updated_at >= r.updated_at)
        ORDER BY r.student_id
       ON CONFLICT (student_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, sms_phone = EXCLUDED.sms_phone,
             timezone = EXCLUDED.timezone, updated_at = EXCLUDED.updated_at
         WHERE students.updated_at < EXCLUDED.updated_at`,
      [
        students.map((student) => student.studentId),
        students.map((student) => student.name),
        students.map((student) => student.email ?? null),
        students.map((student) => student.smsPhone ?? null),
        students.map((student) => student.updatedAt),
        students.map((student) => student.timezone ?? null),
      ],
    );
  }

  async upsertStaff(manager: EntityManager, staff: Versioned<StaffUpsertedPayload>): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.staff (staff_id, name, email, role, updated_at)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::timestamptz
        WHERE NOT EXISTS (SELECT 1 FROM messaging.staff
                           WHERE staff_id = $1 AND updated_at >= $5)
       ON CONFLICT (staff_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, role = EXCLUDED.role,
             updated_at = EXCLUDED.updated_at
         WHERE staff.updated_at < EXCLUDED.updated_at`,
      [staff.staffId, staff.name, staff.email, staff.role, staff.updatedAt],
    );
  }
}
