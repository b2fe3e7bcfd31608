import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox, purgeOutboxBodies } from '@fidelis/broker';
import { createEnvelope, RetentionApplied, RetentionReport } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { LegalHolds } from './legal-holds';

const DAY_MS = 86_400_000;

export interface PurgeInput {
  /** The job's clock: the database's when absent (the daily run), a test's or an admin's otherwise. */
  now?: Date;
  /** Who ran it: `system` for the daily run. */
  actorId: string;
  /** The daily run skips when the job ran within a day; a run asked for by an admin does not. */
  onlyIfDue: boolean;
}

/**
 * Retention: message text and media older than RETENTION_DAYS are removed from messaging's store
 * (the messages, the bodies of bulks, envelopes left in the outbox), keeping everything the audit
 * needs (who, when, from, to, status). Kept: the messages of students under a legal hold (by
 * student, by candidate and by phone, so an unattributed reply from their phone is kept too), and
 * messages still on their way (scheduled, queued for Twilio, or waiting for an email fallback),
 * which would otherwise go out empty. Everything runs in one transaction that holds the job's row,
 * with the `retention.purged` audit entry and `RetentionApplied`, which tells the other services
 * to purge their copies with the same cutoff and holds. `null`: not due, or another instance has it.
 */
@Injectable()
export class PurgeExpiredMessagesUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly holds: LegalHolds,
    private readonly audit: AuditTrail,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  execute(input: PurgeInput): Promise<RetentionReport | null> {
    const days = this.config.RETENTION_DAYS;
    if (days === undefined) return Promise.resolve({ cutoff: null, purged: {}, heldStudents: 0 });
    return this.unitOfWork.run(async (manager) => {
      // SKIP LOCKED: an instance that finds the row taken leaves the run to the one that has it.
      const [job] = await manager.query<{ due: boolean; now: Date }[]>(
        `SELECT (last_run_at IS NULL OR last_run_at <= now() - interval '1 day') AS due, now() AS now
           FROM messaging.retention_job WHERE id = 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!job || (input.onlyIfDue && !job.due)) return null;
      const now = input.now ?? new Date(job.now);
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      const held = await this.holds.held(manager);
      const heldIds = held.map((row) => row.student_id);
      const heldPhones = held.flatMap((row) => (row.sms_phone ? [row.sms_phone] : []));

      const purged = {
        'messaging.messages': await this.purgeMessages(manager, cutoff, heldIds, heldPhones),
        'messaging.bulks': await this.purgeBulks(manager, cutoff),
        'messaging.outbox': await purgeOutboxBodies(manager, 'messaging', cutoff, heldPhones),
      };
      // The bulks whose text is still kept: their audit entries (in the gateway) keep it too.
      const keptBulks = await manager.query<{ id: string }[]>(
        'SELECT id FROM messaging.bulks WHERE created_at < $1 AND purged_at IS NULL',
        [cutoff],
      );
      await manager.query(
        'UPDATE messaging.retention_job SET last_run_at = now(), last_cutoff = $1 WHERE id = 1',
        [cutoff],
      );
      const report: RetentionReport = {
        cutoff: cutoff.toISOString(),
        purged,
        heldStudents: held.length,
      };
      await this.audit.record(manager, {
        actorId: input.actorId,
        action: 'retention.purged',
        targetType: 'retention',
        targetId: 'messaging',
        after: { ...report, retentionDays: days },
      });
      await this.outbox.add(
        manager,
        RetentionApplied,
        createEnvelope(RetentionApplied, {
          cutoff: report.cutoff as string,
          heldStudentIds: heldIds,
          heldPhones,
          heldBulkIds: keptBulks.map((bulk) => bulk.id),
        }),
      );
      return report;
    });
  }

  private async purgeMessages(
    manager: EntityManager,
    cutoff: Date,
    heldIds: string[],
    heldPhones: string[],
  ): Promise<number> {
    // `search` is generated from `body`, so emptying the body empties the search index too.
    const [, count] = await manager.query<[unknown[], number]>(
      `UPDATE messaging.messages m
          SET body = '', media = '[]', purged_at = now(), updated_at = now()
        WHERE m.created_at < $1 AND m.purged_at IS NULL
          AND m.status <> 'scheduled'
          AND coalesce(m.fallback ->> 'status', '') <> 'pending'
          AND NOT EXISTS (SELECT 1 FROM messaging.send_jobs j WHERE j.message_id = m.id)
          AND NOT (coalesce(m.student_id, '') = ANY ($2::text[])
                   OR m.candidate_student_ids && $2::text[]
                   OR coalesce(m.contact_phone, '') = ANY ($3::text[]))`,
      [cutoff, heldIds, heldPhones],
    );
    return count;
  }

  /** A bulk's text goes once none of its messages keeps its own (held, or still on its way). */
  private async purgeBulks(manager: EntityManager, cutoff: Date): Promise<number> {
    const [, count] = await manager.query<[unknown[], number]>(
      `UPDATE messaging.bulks b SET body = '', purged_at = now()
        WHERE b.created_at < $1 AND b.purged_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM messaging.messages m
                           WHERE m.bulk_id = b.id AND m.purged_at IS NULL)`,
      [cutoff],
    );
    return count;
  }
}
