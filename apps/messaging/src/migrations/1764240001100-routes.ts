import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each inbound message keeps its routing decision (`RouteView`): how its student was found and
 * who held its `To` number, since when. Messages stored before have none (null). The inbound
 * messages nobody owns (no student or no holder: "Needs attention") get an index of their own,
 * newest first, for the console's list and for handing a number's replies to its new holder.
 */
export class Routes1764240001100 implements MigrationInterface {
  name = 'Routes1764240001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE messaging.messages ADD COLUMN route jsonb');
    await queryRunner.query(
      `CREATE INDEX messages_needing_attention ON messaging.messages (created_at DESC, id DESC)
        WHERE direction = 'inbound' AND (student_id IS NULL OR staff_id IS NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX messaging.messages_needing_attention');
    await queryRunner.query('ALTER TABLE messaging.messages DROP COLUMN route');
  }
}
