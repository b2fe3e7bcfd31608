import { MigrationInterface, QueryRunner } from 'typeorm';
import { DATABASE_URL, uniqueName } from '../../../test/support/infrastructure';
import { openServiceDatabase } from '../src';

const schema = uniqueName('boot');

class CreatesNotes implements MigrationInterface {
  name = 'CreatesNotes1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "${schema}".notes (id int PRIMARY KEY)`);
  }
  async down(): Promise<void> {}
}

class Fails implements MigrationInterface {
  name = 'Fails1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('SELECT 1 / 0');
  }
  async down(): Promise<void> {}
}

describe('openServiceDatabase', () => {
  it('fails a boot whose migration fails, and frees the schema for the next instance', async () => {
    const options = { url: DATABASE_URL, schema, entities: [] };

    // A boot that hung here holding the migration lock would stall every other instance's boot.
    await expect(
      openServiceDatabase({ ...options, migrations: [CreatesNotes, Fails] }),
    ).rejects.toThrow('division by zero');

    const next = await openServiceDatabase({ ...options, migrations: [CreatesNotes] });
    try {
      const applied = await next.query(`SELECT name FROM "${schema}".migrations`);
      expect(applied).toEqual([{ name: 'CreatesNotes1700000000000' }]);
    } finally {
      await next.query(`DROP SCHEMA "${schema}" CASCADE`);
      await next.destroy();
    }
  }, 30_000);
});
