import { Injectable } from '@nestjs/common';
import { LegalHoldRequest, LegalHoldView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { HoldRow, LegalHolds, toView } from './legal-holds';

/**
 * An admin puts a student under a legal hold: retention keeps every message with them until the
 * hold is lifted. Setting it again only updates the reason; either way it is audited.
 */
@Injectable()
export class SetLegalHoldUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly holds: LegalHolds,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: LegalHoldRequest): Promise<LegalHoldView> {
    return this.unitOfWork.run(async (manager) => {
      await this.holds.assertStudent(manager, request.studentId);
      // Waits for a retention run under way (it holds the job's row), so that once this answers
      // no run can still purge the student's messages with the holds it read before.
      await manager.query('SELECT 1 FROM messaging.retention_job WHERE id = 1 FOR SHARE');
      const before = await this.holds.find(manager, request.studentId);
      const [row] = await manager.query<HoldRow[]>(
        `INSERT INTO messaging.legal_holds (student_id, reason, set_by) VALUES ($1, $2, $3)
         ON CONFLICT (student_id) DO UPDATE SET reason = EXCLUDED.reason
         RETURNING *`,
        [request.studentId, request.reason ?? null, request.actorId],
      );
      const after = toView(request.studentId, row);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'student.legal-hold-set',
        targetType: 'student',
        targetId: request.studentId,
        before: { held: before.held, reason: before.reason },
        after: { held: true, reason: after.reason },
      });
      return after;
    });
  }
}
