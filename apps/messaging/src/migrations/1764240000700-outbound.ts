import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message store (outbound now; inbound messages go in the same table with direction
 * 'inbound'), bulk sends, the durable send queue with its per-number pacing, the workers that
 * hold sends in flight, and opt-outs.
 */
export class Outbound1764240000700 implements MigrationInterface {
  name = 'Outbound1764240000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging.messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        student_id text,
        staff_id text,
        from_phone text NOT NULL,
        to_phone text,
        body text NOT NULL,
        media jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL,
        twilio_sid text UNIQUE,
        error_code text,
        fallback jsonb,
        fallback_attempts integer NOT NULL DEFAULT 0,
        fallback_retry_at timestamptz,
        segments integer NOT NULL,
        encoding text NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
        idempotency_key text,
        bulk_id uuid,
        submitted_at timestamptz,
        submitted_by uuid,
        correlation_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_one_send_per_key UNIQUE (staff_id, idempotency_key)
      )`);
    await queryRunner.query('CREATE INDEX messages_created ON messaging.messages (created_at, id)');
    await queryRunner.query(
      'CREATE INDEX messages_student ON messaging.messages (student_id, created_at)',
    );
    await queryRunner.query(
      'CREATE INDEX messages_staff ON messaging.messages (staff_id, created_at)',
    );
    await queryRunner.query(
      'CREATE INDEX messages_bulk ON messaging.messages (bulk_id) WHERE bulk_id IS NOT NULL',
    );
    await queryRunner.query(
      `CREATE INDEX messages_fallback_pending ON messaging.messages (created_at)
        WHERE (fallback->>'status') = 'pending'`,
    );
    await queryRunner.query(`
      CREATE TABLE messaging.bulks (
        id uuid PRIMARY KEY,
        staff_id text NOT NULL,
        idempotency_key text,
        body text NOT NULL,
        total integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bulks_one_send_per_key UNIQUE (staff_id, idempotency_key)
      )`);
    // One row per message still to hand to Twilio. state: 'pending' (waiting for its number's
    // next slot), 'sending' (attempt recorded, the call to Twilio may be under way, owned by
    // worker_id), 'unsure' (the call ended without an answer: ask Twilio before sending again).
    await queryRunner.query(`
      CREATE TABLE messaging.send_jobs (
        message_id uuid PRIMARY KEY REFERENCES messaging.messages (id) ON DELETE CASCADE,
        from_phone text NOT NULL,
        priority smallint NOT NULL,
        seq bigserial NOT NULL,
        bulk_id uuid,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'unsure')),
        not_before timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        attempt_started_at timestamptz,
        worker_id uuid
      )`);
    await queryRunner.query(
      `CREATE INDEX send_jobs_pending ON messaging.send_jobs (from_phone, priority, seq)
        WHERE state = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX send_jobs_open ON messaging.send_jobs (seq) WHERE state <> 'pending'`,
    );
    await queryRunner.query(
      'CREATE INDEX send_jobs_bulk ON messaging.send_jobs (bulk_id) WHERE bulk_id IS NOT NULL',
    );
    // The next free send slot of each of our numbers, shared by every messaging instance.
    await queryRunner.query(`
      CREATE TABLE messaging.number_pacing (
        phone_number text PRIMARY KEY,
        next_slot timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE messaging.send_workers (
        worker_id uuid PRIMARY KEY,
        heartbeat_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE messaging.opt_outs (
        student_phone text NOT NULL,
        number text NOT NULL,
        opted_out boolean NOT NULL,
        changed_at timestamptz NOT NULL,
        PRIMARY KEY (student_phone, number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'opt_outs',
      'send_workers',
      'number_pacing',
      'send_jobs',
      'bulks',
      'messages',
    ]) {
      await queryRunner.query(`DROP TABLE messaging.${table}`);
    }
  }
}
