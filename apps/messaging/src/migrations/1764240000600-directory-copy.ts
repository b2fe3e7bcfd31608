import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messaging's copy of the students, the staff and who held which number when, kept from the
 * numbers service's events. `updated_at` is the `occurredAt` of the event that wrote the row, so
 * an older event arriving late never overwrites a newer one.
 */
export class MessagingDirectoryCopy1764240000600 implements MigrationInterface {
  name = 'MessagingDirectoryCopy1764240000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging.students (
        student_id text PRIMARY KEY,
        name text NOT NULL,
        email text,
        sms_phone text,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX students_sms_phone ON messaging.students (sms_phone)');
    await queryRunner.query(`
      CREATE TABLE messaging.staff (
        staff_id text PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE messaging.numbers (
        number_id uuid PRIMARY KEY,
        phone_number text NOT NULL,
        released_at timestamptz
      )`);
    // started_at is null while only the NumberUnassigned of an assignment has arrived.
    await queryRunner.query(`
      CREATE TABLE messaging.number_assignments (
        assignment_id uuid PRIMARY KEY,
        number_id uuid NOT NULL,
        phone_number text NOT NULL,
        staff_id text NOT NULL,
        started_at timestamptz,
        ended_at timestamptz
      )`);
    await queryRunner.query(
      'CREATE INDEX number_assignments_phone_started ON messaging.number_assignments (phone_number, started_at)',
    );
    await queryRunner.query(
      'CREATE INDEX number_assignments_staff_started ON messaging.number_assignments (staff_id, started_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE messaging.number_assignments');
    await queryRunner.query('DROP TABLE messaging.numbers');
    await queryRunner.query('DROP TABLE messaging.staff');
    await queryRunner.query('DROP TABLE messaging.students');
  }
}
