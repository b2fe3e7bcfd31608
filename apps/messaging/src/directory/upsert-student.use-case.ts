import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, StudentUpsertedPayload } from '@fidelis/contracts';

/** Keeps messaging's copy of a student; an event older than the stored row changes nothing. */
@Injectable()
export class UpsertStudentUseCase {
  async execute(
    event: EventEnvelope<StudentUpsertedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const student = event.payload;
    await manager.query(
      `INSERT INTO messaging.students (student_id, name, email, sms_phone, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (student_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, sms_phone = EXCLUDED.sms_phone,
             updated_at = EXCLUDED.updated_at
         WHERE students.updated_at < EXCLUDED.updated_at`,
      [
        student.studentId,
        student.name,
        student.email ?? null,
        student.smsPhone ?? null,
        event.occurredAt,
      ],
    );
  }
}
