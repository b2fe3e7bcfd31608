import { DataSource } from 'typeorm';
import { DATABASE_URL } from '../../../test/support/infrastructure';
import { isDatabaseUnavailable } from '../src';

/** The error `work` fails with, as the driver and TypeORM raise it. */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
}

function dataSourceAt(url: string): DataSource {
  return new DataSource({ type: 'postgres', url, extra: { connectionTimeoutMillis: 2_000 } });
}

describe('isDatabaseUnavailable, with errors raised by the real driver', () => {
  const database = dataSourceAt(DATABASE_URL);
  beforeAll(() => database.initialize());
  afterAll(() => database.destroy());

  it('is true when nothing listens where the database should be', async () => {
    const closedPort = new URL(DATABASE_URL);
    closedPort.port = '1';
    const error = await failureOf(() => dataSourceAt(closedPort.toString()).initialize());
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is true for a session the server ended (57P01: shutdown or administrator)', async () => {
    // A data source of its own: the ended session must not go back to the shared one's pool.
    const ended = await dataSourceAt(DATABASE_URL).initialize();
    try {
      const error = await failureOf(() =>
        ended.query('SELECT pg_terminate_backend(pg_backend_pid()), pg_sleep(5)'),
      );
      expect((error as { code?: string }).code).toBe('57P01');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await ended.destroy();
    }
  });

  it('is false for what is wrong with the statement or its data', async () => {
    const nul = await failureOf(() => database.query('SELECT $1::jsonb', ['"a\\u0000b"']));
    const divisionByZero = await failureOf(() => database.query('SELECT 1 / 0'));
    const syntax = await failureOf(() => database.query('SELEC 1'));
    const codes = [nul, divisionByZero, syntax].map((error) => (error as { code?: string }).code);
    expect(codes).toEqual(['22P05', '22012', '42601']);
    for (const error of [nul, divisionByZero, syntax])
      expect(isDatabaseUnavailable(error)).toBe(false);
    expect(isDatabaseUnavailable(new Error('no email address known'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
