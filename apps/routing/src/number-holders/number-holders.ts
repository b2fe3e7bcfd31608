import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Who held a number at some moment, and since when. */
export interface Holding {
  staffId: string;
  since: Date;
}

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
    const [holding] = await this.holdingsAt([{ phoneNumber, at }], manager);
    return holding?.staffId ?? null;
  }

  /**
   * For many questions with one statement, the holder at each moment (as `holderAt`) and since
   * when they held it; the answers in the same order.
   */
  async holdingsAt(
    questions: { phoneNumber: string; at: Date }[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<(Holding | null)[]> {
    const rows = await manager.query<
      { i: string; staff_id: string | null; started_at: Date | null }[]
    >(
      `SELECT q.i, h.staff_id, h.started_at
         FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS q(phone_number, at, i)
         LEFT JOIN LATERAL (
           SELECT a.staff_id, a.started_at
             FROM routing.number_assignments a
             LEFT JOIN routing.numbers n ON n.number_id = a.number_id
            WHERE a.phone_number = q.phone_number
              AND a.started_at <= q.at
              AND (a.ended_at IS NULL OR a.ended_at > q.at)
              AND (n.released_at IS NULL OR n.released_at > q.at)
              AND NOT EXISTS (
                SELECT 1 FROM routing.number_assignments later
                 WHERE later.phone_number = a.phone_number
                   AND later.started_at > a.started_at
                   AND later.started_at <= q.at)
            ORDER BY a.started_at DESC
            LIMIT 1
         ) h ON true`,
      [questions.map((q) => q.phoneNumber), questions.map((q) => q.at.toISOString())],
    );
    const answers: (Holding | null)[] = questions.map(() => null);
    for (const row of rows) {
      if (row.staff_id && row.started_at) {
        answers[Number(row.i) - 1] = { staffId: row.staff_id, since: row.started_at };
      }
    }
    return answers;
  }
}
