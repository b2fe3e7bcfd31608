import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When Twilio last answered each number's sends (the latest SEND_RATE_PER_NUMBER of them), so a
 * send may start only while fewer than the rate are in flight or answered within the last second.
 */
export class PacingAnswers1764240001000 implements MigrationInterface {
  name = 'PacingAnswers1764240001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE messaging.number_pacing
         ADD COLUMN recent_answers timestamptz[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE messaging.number_pacing DROP COLUMN recent_answers');
  }
}
