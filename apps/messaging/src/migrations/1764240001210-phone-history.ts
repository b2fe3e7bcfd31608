import { MigrationInterface, QueryRunner } from 'typeorm';

/** An admin opens a phone's whole history, whichever numbers it wrote to: by phone, newest first. */
export class PhoneHistory1764240001210 implements MigrationInterface {
  name = 'PhoneHistory1764240001210';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX messages_phone_history
         ON messaging.messages (contact_phone, created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX messaging.messages_phone_history');
  }
}
