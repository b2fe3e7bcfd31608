import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every StudentUpserted links the unattributed replies from the student's phone; without this
 * index that is a scan of the whole message store (2–4 events/s with a million messages).
 */
export class UnattributedRepliesIndex1764240000900 implements MigrationInterface {
  name = 'UnattributedRepliesIndex1764240000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX messages_unattributed_replies ON messaging.messages (from_phone)
        WHERE direction = 'inbound' AND student_id IS NULL AND NOT ambiguous`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX messaging.messages_unattributed_replies');
  }
}
