import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface HeldNumber {
  numberId: string;
  phoneNumber: string;
}

/** What is known of an assignment: its start, its end, or both (ISO 8601). */
export interface AssignmentFacts {
  assignmentId: string;
  numberId: string;
  phoneNumber: string;
  staffId: string;
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * Who held which of our numbers when, from messaging's copy of the assignment history. An
 * assignment holds from its start (inclusive) to its end (exclusive); one that started later on
 * the same number takes over even before the earlier one's NumberUnassigned has arrived; nobody
 * holds a number after its release.
 */
@Injectable()
export class NumberHolders {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records what is known of an assignment. Its start and end never change once set, so facts
   * arriving in any order (NumberAssigned, NumberUnassigned, the owner's answer) add up.
   */
  async record(manager: EntityManager, assignment: AssignmentFacts): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.numbers (number_id, phone_number) VALUES ($1, $2)
       ON CONFLICT (number_id) DO NOTHING`,
      [assignment.numberId, assignment.phoneNumber],
    );
    await manager.query(
      `INSERT INTO messaging.number_assignments AS a
         (assignment_id, number_id, phone_number, staff_id, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (assignment_id) DO UPDATE
         SET started_at = coalesce(EXCLUDED.started_at, a.started_at),
             ended_at = coalesce(EXCLUDED.ended_at, a.ended_at)
         WHERE (a.started_at IS NULL AND EXCLUDED.started_at IS NOT NULL)
            OR (a.ended_at IS NULL AND EXCLUDED.ended_at IS NOT NULL)`,
      [
        assignment.assignmentId,
        assignment.numberId,
        assignment.phoneNumber,
        assignment.staffId,
        assignment.startedAt,
        assignment.endedAt,
      ],
    );
  }

  /** The number `staffId` sends from now, or null when they hold none. */
  async currentNumberOf(
    staffId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<HeldNumber | null> {
    const rows = await manager.query<{ number_id: string; phone_number: string }[]>(
      `SELECT a.number_id, a.phone_number
         FROM messaging.number_assignments a
         LEFT JOIN messaging.numbers n ON n.number_id = a.number_id
        WHERE a.staff_id = $1
          AND a.started_at IS NOT NULL
          AND a.ended_at IS NULL
          AND n.released_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM messaging.number_assignments later
             WHERE later.phone_number = a.phone_number AND later.started_at > a.started_at)
        ORDER BY a.started_at DESC
        LIMIT 1`,
      [staffId],
    );
    return rows[0] ? { numberId: rows[0].number_id, phoneNumber: rows[0].phone_number } : null;
  }

  /** The staff id of whoever held `phoneNumber` (E.164) at `at`, or null. */
  async holderAt(
    phoneNumber: string,
    at: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    const rows = await manager.query<{ staff_id: string }[]>(
      `SELECT a.staff_id
         FROM messaging.number_assignments a
         LEFT JOIN messaging.numbers n ON n.number_id = a.number_id
        WHERE a.phone_number = $1
          AND a.started_at <= $2
          AND (a.ended_at IS NULL OR a.ended_at > $2)
          AND (n.released_at IS NULL OR n.released_at > $2)
          AND NOT EXISTS (
            SELECT 1 FROM messaging.number_assignments later
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
