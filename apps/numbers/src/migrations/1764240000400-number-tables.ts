import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Twilio numbers and who held each of them when. The database itself keeps the two rules that
 * matter: one holder per number at a time, one number per staff member at a time.
 */
export class NumberTables1764240000400 implements MigrationInterface {
  name = 'NumberTables1764240000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE numbers.phone_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone_number text NOT NULL CHECK (phone_number ~ '^\\+[1-9][0-9]{6,14}$'),
        twilio_sid text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released')),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        CHECK ((status = 'released') = (released_at IS NOT NULL))
      )`);
    // A released number keeps its row and history; Twilio may sell the same number to us again.
    await queryRunner.query(`
      CREATE UNIQUE INDEX phone_numbers_active_phone_number
        ON numbers.phone_numbers (phone_number) WHERE status = 'active'`);
    await queryRunner.query(`
      CREATE TABLE numbers.number_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number_id uuid NOT NULL REFERENCES numbers.phone_numbers (id),
        staff_id text NOT NULL CONSTRAINT number_assignments_staff_exists REFERENCES numbers.staff (id),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX number_assignments_one_holder_per_number
        ON numbers.number_assignments (number_id) WHERE ended_at IS NULL`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX number_assignments_one_number_per_staff
        ON numbers.number_assignments (staff_id) WHERE ended_at IS NULL`);
    await queryRunner.query(`
      CREATE INDEX number_assignments_history
        ON numbers.number_assignments (number_id, started_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE numbers.number_assignments');
    await queryRunner.query('DROP TABLE numbers.phone_numbers');
  }
}
