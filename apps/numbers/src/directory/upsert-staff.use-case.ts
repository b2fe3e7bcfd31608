import { Injectable } from '@nestjs/common';
import { Outbox } from '@fidelis/broker';
import { createEnvelope, StaffUpserted, StaffView, UpsertStaffRequest } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { staffView } from './directory.views';
import { nextVersionOf } from './row-version';
import { Staff } from './staff.entity';

/** Creates or updates a staff member as the platform that owns them says; audited and announced. */
@Injectable()
export class UpsertStaffUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
  ) {}

  async execute(request: UpsertStaffRequest): Promise<StaffView> {
    return this.unitOfWork.run(async (manager) => {
      const repository = manager.getRepository(Staff);
      const before = await repository.findOne({
        where: { id: request.staffId },
        lock: { mode: 'pessimistic_write' },
      });
      // Taken before merge(), which changes `before` in place.
      const beforeView = before && staffView(before);
      const version = await nextVersionOf(manager, before?.updatedAt ?? null);
      const staff = await repository.save(
        repository.merge(before ?? repository.create({ id: request.staffId }), {
          name: request.name.trim(),
          email: request.email.trim(),
          role: request.role,
          updatedAt: version,
        }),
      );
      const after = staffView(staff);
      await this.outbox.add(
        manager,
        StaffUpserted,
        createEnvelope(
          StaffUpserted,
          {
            staffId: staff.id,
            name: staff.name,
            email: staff.email,
            role: staff.role,
          },
          { occurredAt: version },
        ),
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'staff.upserted',
        targetType: 'staff',
        targetId: staff.id,
        before: beforeView,
        after,
      });
      return after;
    });
  }
}
