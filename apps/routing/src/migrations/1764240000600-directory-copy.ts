import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing's copy of the students and of who held which number when, kept from the numbers
 * service's events. `updated_at` is the `occurredAt` of the event that wrote the row, so an older
 * event arriving late never overwrites a newer one.
 */
export class RoutingDirectoryCopy1764240000600 implements MigrationInterface {
  name = 'RoutingDirectoryCopy1764240000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE routing.students (
        student_id text PRIMARY KEY,
        name text NOT NULL,
        sms_phone text,
        updated_at timestamptz NOT NULL
      )`);
    // Several students may share one phone (siblings, a parent's phone).
    await queryRunner.query('CREATE INDEX students_sms_phone ON routing.students (sms_phone)');
    await queryRunner.query(`
      CREATE TABLE routing.numbers (
        number_id uuid PRIMARY KEY,
        phone_number text NOT NULL,
        released_at timestamptz
      )`);
    // started_at is null while only the NumberUnassigned of an assignment has arrived.
    await queryRunner.query(`
      CREATE TABLE routing.number_assignments (
        assignment_id uuid PRIMARY KEY,
        number_id uuid NOT NULL,
        phone_number text NOT NULL,
        staff_id text NOT NULL,
        started_at timestamptz,
        ended_at timestamptz
      )`);
    await queryRunner.query(
      'CREATE INDEX number_assignments_phone_started ON routing.number_assignments (phone_number, started_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE routing.number_assignments');
    await queryRunner.query('DROP TABLE routing.numbers');
    await queryRunner.query('DROP TABLE routing.students');
  }
}
