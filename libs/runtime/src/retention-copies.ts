import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { purgeOutboxBodies } from '@fidelis/broker';
import { RetentionAppliedPayload, ServiceName } from '@fidelis/contracts';
import { AuditTrail } from './audit-trail';

/**
 * A service's part of retention once messaging has applied it (`RetentionApplied`): the message
 * text in its own tables older than the same cutoff goes, except the held students', and what
 * went is audited as `retention.purged` (only when something did, so a quiet day adds nothing).
 */
@Injectable()
export class RetentionCopies {
  constructor(private readonly audit: AuditTrail) {}

  async purge(
    manager: EntityManager,
    service: ServiceName,
    retention: RetentionAppliedPayload,
    more: Record<string, number> = {},
  ): Promise<Record<string, number>> {
    const purged = {
      ...more,
      [`${service}.outbox`]: await purgeOutboxBodies(
        manager,
        service,
        new Date(retention.cutoff),
        retention.heldPhones,
      ),
    };
    if (Object.values(purged).some((count) => count > 0)) {
      await this.audit.record(manager, {
        actorId: 'system',
        action: 'retention.purged',
        targetType: 'retention',
        targetId: service,
        after: { cutoff: retention.cutoff, purged },
      });
    }
    return purged;
  }
}
