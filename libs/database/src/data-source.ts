import { DataSource, MixedList, EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { ensureDatabase } from './ensure-database';

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own Postgres schema; its tables and its migrations table live there. */
  schema: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: (new () => unknown)[];
  poolSize?: number;
}

export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    // A connection (or a free slot in the pool) that takes longer fails, and the work with it:
    // unbounded, a webhook could wait past Twilio's 15 s instead of being answered 503.
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 },
  });
}

/**
 * Opens a service's DataSource ready for work: the database and the schema exist and every
 * migration has run. Services run this at boot, so a fresh machine needs nothing else.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  const dataSource = createServiceDataSource(options);
  await dataSource.initialize();
  // Two instances of one service may boot together: one migrates while the other waits.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [options.schema]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await dataSource.runMigrations();
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [options.schema]);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  } finally {
    await lock.release();
  }
  return dataSource;
}
