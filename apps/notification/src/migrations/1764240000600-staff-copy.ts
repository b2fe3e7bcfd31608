import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notification's copy of the staff (whom to email), kept from StaffUpserted. `updated_at` is the
 * `occurredAt` of the event that wrote the row, so an older event never overwrites a newer one.
 */
export class NotificationStaffCopy1764240000600 implements MigrationInterface {
  name = 'NotificationStaffCopy1764240000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification.staff (
        staff_id text PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification.staff');
  }
}
