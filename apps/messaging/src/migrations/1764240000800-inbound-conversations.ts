import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound messages join outbound ones in messaging.messages (routing now attributes them), with
 * what the views need: the other party of each message, full-text search of bodies, and how far
 * each staff member has read each conversation.
 */
export class InboundConversations1764240000800 implements MigrationInterface {
  name = 'InboundConversations1764240000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE messaging.messages
        ADD COLUMN ambiguous boolean NOT NULL DEFAULT false,
        ADD COLUMN candidate_student_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN opt_change text CHECK (opt_change IN ('opted-out', 'opted-in')),
        ADD COLUMN contact_phone text GENERATED ALWAYS AS
          (CASE WHEN direction = 'inbound' THEN from_phone ELSE to_phone END) STORED,
        ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED`);
    await queryRunner.query(
      'CREATE INDEX messages_search ON messaging.messages USING gin (search)',
    );
    await queryRunner.query(
      'CREATE INDEX messages_newest ON messaging.messages (created_at DESC, id DESC)',
    );
    await queryRunner.query(
      `CREATE INDEX messages_conversation
         ON messaging.messages (staff_id, contact_phone, created_at DESC)`,
    );
    // What issue 2's intake kept before routing existed: unattributed, visible to admins.
    await queryRunner.query(`
      INSERT INTO messaging.messages (direction, from_phone, to_phone, body, media, status,
        twilio_sid, segments, encoding, correlation_id, created_at, updated_at)
      SELECT 'inbound', from_phone, to_phone, body, media, 'unroutable', message_sid,
        1, 'GSM-7', correlation_id, received_at, stored_at
        FROM messaging.inbound_messages
      ON CONFLICT (twilio_sid) DO NOTHING`);
    await queryRunner.query('DROP TABLE messaging.inbound_messages');
    await queryRunner.query(`
      CREATE TABLE messaging.conversation_reads (
        staff_id text NOT NULL,
        contact_phone text NOT NULL,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (staff_id, contact_phone)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE messaging.conversation_reads');
    await queryRunner.query(`
      CREATE TABLE messaging.inbound_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_sid text NOT NULL UNIQUE,
        account_sid text NOT NULL,
        from_phone text NOT NULL,
        to_phone text NOT NULL,
        body text NOT NULL,
        media jsonb NOT NULL DEFAULT '[]',
        received_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      ALTER TABLE messaging.messages
        DROP COLUMN search, DROP COLUMN contact_phone, DROP COLUMN opt_change,
        DROP COLUMN candidate_student_ids, DROP COLUMN ambiguous`);
  }
}
