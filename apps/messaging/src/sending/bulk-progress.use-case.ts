import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BulkIdRequest, BulkProgressView, DomainError } from '@fidelis/contracts';
import { isUuid } from './message-body';

/** Where a bulk send stands (see BulkProgressView for what each count means). */
@Injectable()
export class BulkProgressUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(request: BulkIdRequest): Promise<BulkProgressView> {
    const rows = isUuid(request.bulkId)
      ? await this.dataSource.query<
          (Omit<BulkProgressView, 'bulkId' | 'done'> & { waiting: number })[]
        >(
          `SELECT b.total,
                  count(*) FILTER (WHERE m.status IN ('queued', 'accepted', 'sending'))::int AS queued,
                  count(*) FILTER (WHERE m.status = 'sent')::int AS sent,
                  count(*) FILTER (WHERE m.status = 'delivered')::int AS delivered,
                  count(*) FILTER (WHERE m.status IN ('failed', 'undelivered', 'undeliverable'))::int AS failed,
                  count(*) FILTER (WHERE m.fallback IS NOT NULL)::int AS fallback,
                  count(*) FILTER (WHERE m.status = 'scheduled')::int AS scheduled,
                  (SELECT count(*) FROM messaging.send_jobs j WHERE j.bulk_id = b.id)::int
                    + count(*) FILTER (WHERE m.status = 'scheduled')::int
                    + count(*) FILTER (WHERE (m.fallback->>'status') = 'pending')::int AS waiting
             FROM messaging.bulks b
             LEFT JOIN messaging.messages m ON m.bulk_id = b.id
            WHERE b.id = $1
            GROUP BY b.id, b.total`,
          [request.bulkId],
        )
      : [];
    const row = rows[0];
    if (!row) throw new DomainError('BULK_NOT_FOUND', `no bulk send ${request.bulkId}`);
    const { waiting, ...counts } = row;
    return { bulkId: request.bulkId, ...counts, done: waiting === 0 };
  }
}
