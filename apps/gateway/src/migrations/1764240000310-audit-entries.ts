import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEntries1764240000310 implements MigrationInterface {
  name = 'AuditEntries1764240000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.audit_entries (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        actor_id text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX audit_entries_at ON gateway.audit_entries (at DESC, id DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX audit_entries_actor ON gateway.audit_entries (actor_id, at DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX audit_entries_action ON gateway.audit_entries (action, at DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gateway.audit_entries');
  }
}
