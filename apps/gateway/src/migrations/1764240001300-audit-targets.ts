import { MigrationInterface, QueryRunner } from 'typeorm';

/** A student's export reads the entries about them and their messages by target id. */
export class AuditTargets1764240001300 implements MigrationInterface {
  name = 'AuditTargets1764240001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX audit_entries_target ON gateway.audit_entries (target_id, at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX gateway.audit_entries_target');
  }
}
