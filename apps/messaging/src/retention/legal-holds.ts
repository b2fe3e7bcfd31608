import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, LegalHoldView } from '@fidelis/contracts';

interface HoldRow {
  student_id: string;
  reason: string | null;
  set_by: string;
  set_at: Date;
}

/** The students under a legal hold, as retention and the admins' requests read them. */
@Injectable()
export class LegalHolds {
  async find(manager: EntityManager, studentId: string): Promise<LegalHoldView> {
    const [row] = await manager.query<HoldRow[]>(
      'SELECT * FROM messaging.legal_holds WHERE student_id = $1',
      [studentId],
    );
    return toView(studentId, row);
  }

  /** A hold is on a student the directory knows; anything else is a typo worth a 404. */
  async assertStudent(manager: EntityManager, studentId: string): Promise<void> {
    const [known] = await manager.query<unknown[]>(
      'SELECT 1 FROM messaging.students WHERE student_id = $1',
      [studentId],
    );
    if (!known) throw new DomainError('STUDENT_NOT_FOUND', `no student ${studentId}`);
  }

  /** Every held student with the SMS phone the directory has for them (null when none). */
  held(manager: EntityManager): Promise<{ student_id: string; sms_phone: string | null }[]> {
    return manager.query(
      `SELECT h.student_id, s.sms_phone
         FROM messaging.legal_holds h LEFT JOIN messaging.students s USING (student_id)`,
    );
  }
}

export function toView(studentId: string, row: HoldRow | undefined): LegalHoldView {
  return {
    studentId,
    held: row !== undefined,
    reason: row?.reason ?? null,
    setBy: row?.set_by ?? null,
    setAt: row ? new Date(row.set_at).toISOString() : null,
  };
}

export type { HoldRow };
