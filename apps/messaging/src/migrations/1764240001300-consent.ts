import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent: inbound messages get `flags` (`possible-opt-out`: asked to stop in other words, for
 * staff to decide), which count as Needs attention — so that partial index is recreated with
 * the wider condition (NEEDS_ATTENTION_SQL, word for word, so the planner still uses it). Every
 * change of a phone's SMS status for a number is kept in `consent_changes`, with what made it:
 * a keyword message (by id, or by MessageSid until the message is stored), a staff member's
 * confirmation, or Twilio's 21610. The keyword messages stored before are its first rows.
 */
export class Consent1764240001300 implements MigrationInterface {
  name = 'Consent1764240001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE messaging.messages ADD COLUMN flags text[] NOT NULL DEFAULT '{}'",
    );
    await queryRunner.query('DROP INDEX messaging.messages_needing_attention');
    await queryRunner.query(
      `CREATE INDEX messages_needing_attention ON messaging.messages (created_at DESC, id DESC)
        WHERE direction = 'inbound'
          AND (student_id IS NULL OR staff_id IS NULL OR 'possible-opt-out' = ANY (flags))`,
    );
    await queryRunner.query(`
      CREATE TABLE messaging.consent_changes (
        id bigserial PRIMARY KEY,
        student_phone text NOT NULL,
        number text NOT NULL,
        opted_out boolean NOT NULL,
        at timestamptz NOT NULL,
        source text NOT NULL CHECK (source IN ('message', 'staff', 'twilio')),
        message_id uuid,
        message_sid text,
        staff_id text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX consent_changes_phone ON messaging.consent_changes (student_phone, at DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX consent_changes_message ON messaging.consent_changes (message_id)',
    );
    await queryRunner.query(
      `INSERT INTO messaging.consent_changes
         (student_phone, number, opted_out, at, source, message_id, message_sid)
       SELECT from_phone, to_phone, opt_change = 'opted-out', created_at, 'message', id, twilio_sid
         FROM messaging.messages
        WHERE direction = 'inbound' AND opt_change IS NOT NULL AND to_phone IS NOT NULL
        ORDER BY created_at`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE messaging.consent_changes');
    await queryRunner.query('DROP INDEX messaging.messages_needing_attention');
    await queryRunner.query(
      `CREATE INDEX messages_needing_attention ON messaging.messages (created_at DESC, id DESC)
        WHERE direction = 'inbound' AND (student_id IS NULL OR staff_id IS NULL)`,
    );
    await queryRunner.query('ALTER TABLE messaging.messages DROP COLUMN flags');
  }
}
