import { Injectable } from '@nestjs/common';
import { ConsentChangeView, DomainError, StaffOptOutRequest } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { OptOuts } from './opt-outs';

/**
 * The rule says "by any reasonable means": a student who asks by email, on the phone or in person
 * is opted out too. A staff member records it — of one of our numbers, or of every one — and it
 * counts exactly as a STOP to each, in the consent history with the staff member. Audited.
 */
@Injectable()
export class StaffOptOutUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly optOuts: OptOuts,
    private readonly audit: AuditTrail,
  ) {}

  async execute(request: StaffOptOutRequest): Promise<ConsentChangeView[]> {
    const studentPhone = request.smsPhone;
    if (!studentPhone) {
      throw new DomainError('INVALID_INPUT', 'the student has no SMS phone to opt out');
    }
    await this.unitOfWork.run(async (manager) => {
      const numbers = (
        await manager.query<{ phone_number: string }[]>(
          `SELECT DISTINCT phone_number FROM messaging.numbers
            WHERE $1::text IS NULL OR phone_number = $1 ORDER BY phone_number`,
          [request.number ?? null],
        )
      ).map((row) => row.phone_number);
      if (request.number && numbers.length === 0) {
        throw new DomainError(
          'INVALID_INPUT',
          `number must be one of our numbers: ${request.number}`,
        );
      }
      const at = new Date();
      for (const number of numbers) {
        await this.optOuts.record(manager, {
          studentPhone,
          number,
          optedOut: true,
          at,
          source: { kind: 'staff', staffId: request.actorId },
        });
      }
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'student.opted-out',
        targetType: 'student',
        targetId: request.studentId,
        before: null,
        after: { numbers, studentPhone },
      });
    });
    return this.optOuts.history(request.studentId, studentPhone);
  }
}
