import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuditRecorded,
  AuditRecordedPayload,
  createEnvelope,
  decodeCursor,
  encodeCursor,
  EventEnvelope,
} from '@fidelis/contracts';
import { AuditEntry } from './audit-entry.entity';

export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: Date;
  until?: Date;
  before?: string;
  limit: number;
}

/** Keeps the audit trail every service reports (`AuditRecorded`) and answers `GET /api/audit`. */
@Injectable()
export class AuditTrailService {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a change the gateway itself makes (an export of the trail, say). */
  record(entry: Omit<AuditRecordedPayload, 'at'>): Promise<void> {
    const payload = { ...entry, at: new Date().toISOString() };
    return this.store(createEnvelope(AuditRecorded, payload), this.dataSource.manager);
  }

  /** Keeps an entry once: its event id is unique. */
  async store(event: EventEnvelope<AuditRecordedPayload>, manager: EntityManager): Promise<void> {
    const entry = event.payload;
    await manager.query(
      `INSERT INTO gateway.audit_entries
         (event_id, actor_id, action, target_type, target_id, before, after, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
      [
        event.eventId,
        entry.actorId,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.before,
        entry.after,
        entry.at,
      ],
    );
  }

  /** Every entry about these targets (a student and their messages, say), oldest first. */
  about(targetIds: string[]): Promise<AuditEntry[]> {
    return this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('entry')
      .where('entry.targetId = ANY(:targetIds)', { targetIds })
      .orderBy('entry.at', 'ASC')
      .addOrderBy('entry.id', 'ASC')
      .getMany();
  }

  /** Newest first (by the time of the change); `before` is the `nextBefore` of the previous page. */
  async find(query: AuditQuery): Promise<{ items: AuditEntry[]; nextBefore: string | null }> {
    const builder = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('entry')
      .orderBy('entry.at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .limit(query.limit + 1);
    if (query.actor) builder.andWhere('entry.actorId = :actor', { actor: query.actor });
    if (query.action) builder.andWhere('entry.action = :action', { action: query.action });
    if (query.since) builder.andWhere('entry.at >= :since', { since: query.since });
    if (query.until) builder.andWhere('entry.at < :until', { until: query.until });
    if (query.before) {
      const cursor = decodeCursor(query.before, 2);
      if (!cursor) throw new BadRequestException('before must be a cursor this list gave out');
      const [at, id] = cursor;
      builder.andWhere('(entry.at, entry.id) < (:at, :id)', { at, id });
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextBefore:
        rows.length > query.limit && last ? encodeCursor([last.at.toISOString(), last.id]) : null,
    };
  }
}
