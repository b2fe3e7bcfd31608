import { MigrationInterface, QueryRunner } from 'typeorm';

export class DirectoryTables1764240000300 implements MigrationInterface {
  name = 'DirectoryTables1764240000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE numbers.staff (
        id text PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('coach', 'coach_manager', 'instructor',
          'instructor_manager', 'admin', 'mentor_coach')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE numbers.students (
        id text PRIMARY KEY,
        name text NOT NULL,
        email text,
        sms_phone text CHECK (sms_phone ~ '^\\+[1-9][0-9]{6,14}$'),
        timezone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX students_sms_phone ON numbers.students (sms_phone)');
    // Composing a message: students by name, in name order (the search's keyset).
    await queryRunner.query('CREATE INDEX students_name_id ON numbers.students (lower(name), id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE numbers.students');
    await queryRunner.query('DROP TABLE numbers.staff');
  }
}
