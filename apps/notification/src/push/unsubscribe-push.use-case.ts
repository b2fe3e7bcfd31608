import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, UnsubscribePushRequest } from '@fidelis/contracts';

/** Removes one of the caller's own subscriptions; someone else's is as unknown as a missing one. */
@Injectable()
export class UnsubscribePushUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(request: UnsubscribePushRequest): Promise<{ removed: true }> {
    const [rows] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM notification.push_subscriptions WHERE endpoint = $1 AND staff_id = $2
       RETURNING id`,
      [request.endpoint, request.staffId],
    );
    if (rows.length === 0) {
      throw new DomainError(
        'PUSH_SUBSCRIPTION_NOT_FOUND',
        'you have no subscription with this endpoint',
      );
    }
    return { removed: true };
  }
}
