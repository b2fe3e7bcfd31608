import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import { AuditRecorded, AuditRecordedPayload, createEnvelope } from '@fidelis/contracts';

/** Records a change for the audit trail, in the transaction that makes the change. */
@Injectable()
export class AuditTrail {
  constructor(private readonly outbox: Outbox) {}

  async record(
    manager: EntityManager,
    entry: Omit<AuditRecordedPayload, 'at' | 'before' | 'after'> & {
      before?: object | null;
      after?: object | null;
    },
  ): Promise<void> {
    const payload: AuditRecordedPayload = {
      ...entry,
      before: (entry.before ?? null) as Record<string, unknown> | null,
      after: (entry.after ?? null) as Record<string, unknown> | null,
      at: new Date().toISOString(),
    };
    await this.outbox.add(manager, AuditRecorded, createEnvelope(AuditRecorded, payload));
  }
}
