import { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('a service DataSource must name its schema');
  return schema;
}

/**
 * The two tables every service keeps for the broker, in its own schema: the outbox (events
 * committed with the work that produced them, published by the relay) and the record of events
 * already handled (so a redelivered event has its effect once).
 */
export class BrokerTables1764240000000 implements MigrationInterface {
  name = 'BrokerTables1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${schema}".outbox (
        id bigserial PRIMARY KEY,
        routing_key text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE "${schema}".processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}".processed_events`);
    await queryRunner.query(`DROP TABLE "${schema}".outbox`);
  }
}
