import { Injectable, Inject } from '@nestjs/common';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  DomainError,
  StudentUpserted,
  StudentView,
  UpsertStudentRequest,
} from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NUMBERS_CONFIG, NumbersConfig } from '../config';
import { DirectoryQueries } from './directory.queries';
import { studentView } from './directory.views';
import { normalizeStudent } from './normalize-student';
import { nextVersionOf } from './row-version';
import { Student } from './student.entity';

/** Creates or updates one student; the SMS phone is stored in E.164. Audited and announced. */
@Injectable()
export class UpsertStudentUseCase {
  constructor(
    @Inject(NUMBERS_CONFIG) private readonly config: NumbersConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
    private readonly queries: DirectoryQueries,
  ) {}

  async execute(request: UpsertStudentRequest): Promise<StudentView> {
    const { student, problems } = normalizeStudent(request.student, this.config.DEFAULT_COUNTRY);
    if (!student) throw new DomainError('INVALID_INPUT', problems.join('; '), problems);

    await this.unitOfWork.run(async (manager) => {
      const repository = manager.getRepository(Student);
      const before = await repository.findOne({
        where: { id: student.studentId },
        lock: { mode: 'pessimistic_write' },
      });
      // Taken before merge(), which changes `before` in place.
      const beforeView = before && studentView(before);
      const version = await nextVersionOf(manager, before?.updatedAt ?? null);
      const saved = await repository.save(
        repository.merge(before ?? repository.create({ id: student.studentId }), {
          name: student.name,
          email: student.email,
          smsPhone: student.smsPhone,
          timezone: student.timezone,
          updatedAt: version,
        }),
      );
      await this.outbox.add(
        manager,
        StudentUpserted,
        createEnvelope(StudentUpserted, student, { occurredAt: version }),
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'student.upserted',
        targetType: 'student',
        targetId: saved.id,
        before: beforeView,
        after: studentView(saved),
      });
    });
    return this.queries.getStudent(student.studentId);
  }
}
