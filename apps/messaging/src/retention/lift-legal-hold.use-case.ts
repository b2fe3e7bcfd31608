import { Injectable } from '@nestjs/common';
import { LegalHoldRequest, LegalHoldView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { HoldRow, LegalHolds, toView } from './legal-holds';

/**
 * An admin lifts a student's legal hold: the next retention run purges their old messages like
 * anyone's. Lifting a hold that is not there changes nothing and records nothing.
 */
@Injectable()
export class LiftLegalHoldUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly holds: LegalHolds,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: LegalHoldRequest): Promise<LegalHoldView> {
    return this.unitOfWork.run(async (manager) => {
      await this.holds.assertStudent(manager, request.studentId);
      const [lifted] = await manager.query<[HoldRow[], number]>(
        'DELETE FROM messaging.legal_holds WHERE student_id = $1 RETURNING *',
        [request.studentId],
      );
      const [row] = lifted;
      if (row) {
        await this.audit.record(manager, {
          actorId: request.actorId,
          action: 'student.legal-hold-lifted',
          targetType: 'student',
          targetId: request.studentId,
          before: { held: true, reason: row.reason, setBy: row.set_by },
          after: { held: false, ...(request.reason ? { reason: request.reason } : {}) },
        });
      }
      return toView(request.studentId, undefined);
    });
  }
}
