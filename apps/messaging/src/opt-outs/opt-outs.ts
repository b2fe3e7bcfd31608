import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Which students opted out of SMS from which of our numbers (STOP, or Twilio's 21610). */
@Injectable()
export class OptOuts {
  constructor(private readonly dataSource: DataSource) {}

  async isOptedOut(
    studentPhone: string,
    number: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM messaging.opt_outs
        WHERE student_phone = $1 AND number = $2 AND opted_out`,
      [studentPhone, number],
    );
    return rows.length > 0;
  }

  /** Records a change; one older than what is recorded changes nothing. */
  async record(
    manager: EntityManager,
    change: { studentPhone: string; number: string; optedOut: boolean; at: Date | string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.opt_outs (student_phone, number, opted_out, changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (student_phone, number) DO UPDATE
         SET opted_out = EXCLUDED.opted_out, changed_at = EXCLUDED.changed_at
         WHERE opt_outs.changed_at < EXCLUDED.changed_at`,
      [change.studentPhone, change.number, change.optedOut, change.at],
    );
  }
}
