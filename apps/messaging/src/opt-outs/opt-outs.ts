import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentChangeView, ConsentSource } from '@fidelis/contracts';

/** What made a change, as recorded: an inbound message may be known only by its MessageSid yet. */
export type ConsentChangeSource =
  | { kind: 'message'; messageId?: string; messageSid?: string }
  | { kind: 'staff'; staffId: string; messageId?: string }
  | { kind: 'twilio'; messageId: string };

interface ConsentChangeRow {
  number: string;
  student_phone: string;
  opted_out: boolean;
  at: Date;
  source: ConsentSource['kind'];
  message_id: string | null;
  staff_id: string | null;
}

/**
 * Which students opted out of SMS from which of our numbers (a keyword, a confirmed request in
 * other words, or Twilio's 21610), and every change that led there: the consent history.
 */
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

  /**
   * Records a change and keeps it in the history. The current status takes the newest change:
   * one older than what is recorded (arriving late) is history only. An opt-out settles the
   * question of the phone's earlier messages to that number that may have asked to stop: their
   * flag is cleared, and they leave Needs attention.
   */
  async record(
    manager: EntityManager,
    change: {
      studentPhone: string;
      number: string;
      optedOut: boolean;
      at: Date | string;
      source: ConsentChangeSource;
    },
  ): Promise<void> {
    const { source } = change;
    await manager.query(
      `INSERT INTO messaging.opt_outs (student_phone, number, opted_out, changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (student_phone, number) DO UPDATE
         SET opted_out = EXCLUDED.opted_out, changed_at = EXCLUDED.changed_at
         WHERE opt_outs.changed_at < EXCLUDED.changed_at`,
      [change.studentPhone, change.number, change.optedOut, change.at],
    );
    await manager.query(
      `INSERT INTO messaging.consent_changes
         (student_phone, number, opted_out, at, source, message_id, message_sid, staff_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        change.studentPhone,
        change.number,
        change.optedOut,
        change.at,
        source.kind,
        'messageId' in source ? (source.messageId ?? null) : null,
        'messageSid' in source ? (source.messageSid ?? null) : null,
        source.kind === 'staff' ? source.staffId : null,
      ],
    );
    if (change.optedOut) {
      await manager.query(
        `UPDATE messaging.messages
            SET flags = array_remove(flags, 'possible-opt-out'), updated_at = now()
          WHERE direction = 'inbound' AND 'possible-opt-out' = ANY (flags)
            AND from_phone = $1 AND to_phone = $2 AND created_at <= $3`,
        [change.studentPhone, change.number, change.at],
      );
    }
  }

  /**
   * A student's consent history, newest first: the changes for their SMS phone, and those made
   * by a message of theirs (from a phone they had before, say). A keyword's message is found by
   * its MessageSid, since routing announces the change before messaging stores the message.
   */
  async history(studentId: string, smsPhone: string | null): Promise<ConsentChangeView[]> {
    const rows = await this.dataSource.query<ConsentChangeRow[]>(
      `SELECT c.number, c.student_phone, c.opted_out, c.at, c.source, c.staff_id,
              coalesce(c.message_id, by_sid.id) AS message_id
         FROM messaging.consent_changes c
         LEFT JOIN messaging.messages by_sid
           ON c.message_id IS NULL AND c.message_sid IS NOT NULL AND by_sid.twilio_sid = c.message_sid
         LEFT JOIN messaging.messages m ON m.id = coalesce(c.message_id, by_sid.id)
        WHERE c.student_phone = $2 OR m.student_id = $1
        ORDER BY c.at DESC, c.id DESC`,
      [studentId, smsPhone],
    );
    return rows.map((row) => ({
      number: row.number,
      studentPhone: row.student_phone,
      optedOut: row.opted_out,
      at: row.at.toISOString(),
      source: sourceOf(row),
    }));
  }
}

function sourceOf(row: ConsentChangeRow): ConsentSource {
  switch (row.source) {
    case 'message':
      return { kind: 'message', messageId: row.message_id };
    case 'staff':
      return { kind: 'staff', staffId: row.staff_id ?? '', messageId: row.message_id };
    case 'twilio':
      return { kind: 'twilio', messageId: row.message_id ?? '' };
  }
}
