import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: the students under a legal hold (whose messages are kept whatever their age), the
 * daily job's last run (one row, locked by the instance that runs it, so it runs once a day however
 * many instances there are and however often they restart), and when each message lost its text.
 */
export class Retention1764240001400 implements MigrationInterface {
  name = 'Retention1764240001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging.legal_holds (
        student_id text PRIMARY KEY,
        reason text,
        set_by text NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE messaging.retention_job (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        last_run_at timestamptz,
        last_cutoff timestamptz
      )`);
    await queryRunner.query('INSERT INTO messaging.retention_job (id) VALUES (1)');
    await queryRunner.query('ALTER TABLE messaging.messages ADD COLUMN purged_at timestamptz');
    await queryRunner.query('ALTER TABLE messaging.bulks ADD COLUMN purged_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE messaging.bulks DROP COLUMN purged_at');
    await queryRunner.query('ALTER TABLE messaging.messages DROP COLUMN purged_at');
    await queryRunner.query('DROP TABLE messaging.retention_job');
    await queryRunner.query('DROP TABLE messaging.legal_holds');
  }
}
