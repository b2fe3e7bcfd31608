import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled sends and quiet hours: a message may wait for its `send_at` (status 'scheduled',
 * without a send job until it is due), and messaging's copy of a student keeps their time zone.
 */
export class ScheduledSends1764240001200 implements MigrationInterface {
  name = 'ScheduledSends1764240001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE messaging.students ADD COLUMN timezone text');
    await queryRunner.query('ALTER TABLE messaging.messages ADD COLUMN send_at timestamptz');
    await queryRunner.query(
      `CREATE INDEX messages_scheduled ON messaging.messages (send_at)
        WHERE status = 'scheduled'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX messaging.messages_scheduled');
    await queryRunner.query('ALTER TABLE messaging.messages DROP COLUMN send_at');
    await queryRunner.query('ALTER TABLE messaging.students DROP COLUMN timezone');
  }
}
