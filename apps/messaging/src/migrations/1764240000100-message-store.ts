import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageStore1764240000100 implements MigrationInterface {
  name = 'MessageStore1764240000100';

  async up(queryRunner: QueryRunner): Promise<void> {
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
      CREATE TABLE messaging.status_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_sid text NOT NULL,
        status text NOT NULL,
        error_code text,
        reported_at timestamptz NOT NULL,
        UNIQUE (message_sid, status)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE messaging.status_reports');
    await queryRunner.query('DROP TABLE messaging.inbound_messages');
  }
}
