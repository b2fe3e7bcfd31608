import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BulkIdRequest, DomainError, MessageView } from '@fidelis/contracts';
import { MessageRow, toMessageView } from '../messages/message-row';
import { isUuid } from './message-body';

/**
 * The messages of a bulk send that SMS did not deliver (failed, undelivered, no SMS phone) or
 * that went by email instead: the students behind its "failed" and "fallback" counts.
 */
@Injectable()
export class BulkUndeliveredUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(request: BulkIdRequest): Promise<MessageView[]> {
    const bulk = isUuid(request.bulkId)
      ? await this.dataSource.query<{ id: string }[]>(
          'SELECT id FROM messaging.bulks WHERE id = $1',
          [request.bulkId],
        )
      : [];
    if (bulk.length === 0)
      throw new DomainError('BULK_NOT_FOUND', `no bulk send ${request.bulkId}`);
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT * FROM messaging.messages
        WHERE bulk_id = $1
          AND (status IN ('failed', 'undelivered', 'undeliverable') OR fallback IS NOT NULL)
        ORDER BY created_at, id`,
      [request.bulkId],
    );
    return rows.map(toMessageView);
  }
}
