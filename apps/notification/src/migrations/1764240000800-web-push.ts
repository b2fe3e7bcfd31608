import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web Push and staff email: the VAPID key pair (one row, so instances booting together keep the
 * same one), each staff member's push subscriptions, and what was done for each message — pushes
 * per (message, subscription), so a retry never pushes twice, and the emails sent.
 */
export class NotificationWebPush1764240000800 implements MigrationInterface {
  name = 'NotificationWebPush1764240000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification.vapid_keys (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        public_key text NOT NULL,
        private_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE notification.push_subscriptions (
        id uuid PRIMARY KEY,
        staff_id text NOT NULL,
        endpoint text NOT NULL UNIQUE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX push_subscriptions_staff_id_idx ON notification.push_subscriptions (staff_id)',
    );
    await queryRunner.query(`
      CREATE TABLE notification.inbound_notifications (
        message_id uuid PRIMARY KEY,
        staff_id text NOT NULL,
        emailed_at timestamptz,
        done_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE notification.push_deliveries (
        message_id uuid NOT NULL,
        subscription_id uuid NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, subscription_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE notification.undeliverable_notices (
        message_id uuid PRIMARY KEY,
        staff_id text NOT NULL,
        emailed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'undeliverable_notices',
      'push_deliveries',
      'inbound_notifications',
      'push_subscriptions',
      'vapid_keys',
    ]) {
      await queryRunner.query(`DROP TABLE notification.${table}`);
    }
  }
}
