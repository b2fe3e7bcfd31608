import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, StudentUpsertedPayload } from '@fidelis/contracts';
import { DirectoryCopy } from './directory-copy';

/**
 * Keeps messaging's copy of a student; an event older than the stored row changes nothing. A
 * student who now has the phone of earlier unknown senders gets those conversations linked.
 */
@Injectable()
export class UpsertStudentUseCase {
  constructor(private readonly copy: DirectoryCopy) {}

  async execute(
    event: EventEnvelope<StudentUpsertedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const student = event.payload;
    await this.copy.upsertStudents(manager, [{ ...student, updatedAt: event.occurredAt }]);
    if (student.smsPhone) await this.linkEarlierMessages(manager, student.smsPhone);
  }

  /** Unattributed replies from `phone` belong to its student, when exactly one student has it. */
  private async linkEarlierMessages(manager: EntityManager, phone: string): Promise<void> {
    await manager.query(
      `UPDATE messaging.messages m SET student_id = sole.student_id, updated_at = now()
         FROM (SELECT min(student_id) AS student_id FROM messaging.students
                WHERE sms_phone = $1 HAVING count(*) = 1) sole
        WHERE m.direction = 'inbound' AND m.student_id IS NULL AND NOT m.ambiguous
          AND m.from_phone = $1`,
      [phone],
    );
  }
}
