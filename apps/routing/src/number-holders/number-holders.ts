import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Who held which of our numbers when, from routing's copy of the assignment history. */
@Injectable()
export class NumberHolders {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The staff id of whoever held `phoneNumber` (E.164) at `at`, or null. An assignment holds from
   * its start (inclusive) to its end (exclusive); one that started later takes over even before
   * the earlier one's NumberUnassigned has arrived; nobody holds a number after its release.
   */
  async holderAt(
    phoneNumber: string,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    const rows = await manager.query<{ staff_id: string }[]>(
      `SELECT a.staff_id
         FROM routing.number_assignments a
         LEFT JOIN routing.numbers n ON n.number_id = a.number_id
        WHERE a.phone_number = $1
          AND a.started_at <= $2
          AND (a.ended_at IS NULL OR a.ended_at > $2)
          AND (n.released_at IS NULL OR n.released_at > $2)
          AND NOT EXISTS (
            SELECT 1 FROM routing.number_assignments later
             WHERE later.phone_number = a.phone_number
               AND later.started_at > a.started_at
               AND later.started_at <= $2)
        ORDER BY a.started_at DESC
        LIMIT 1`,
      [phoneNumber, at],
    );
    return rows[0]?.staff_id ?? null;
  }
}
