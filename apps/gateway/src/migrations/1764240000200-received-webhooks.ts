import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReceivedWebhooks1764240000200 implements MigrationInterface {
  name = 'ReceivedWebhooks1764240000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per webhook Twilio sent us: the same MessageSid (and status) twice is one message.
    await queryRunner.query(`
      CREATE TABLE gateway.received_webhooks (
        message_sid text NOT NULL,
        kind text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_sid, kind)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gateway.received_webhooks');
  }
}
