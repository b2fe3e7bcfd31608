import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_URL } from '../../../test/support/infrastructure';
import { MessagingConfig } from '../src/config';
import { SendQueue } from '../src/sending/send-queue';

/** The pacing transactions' own connections, as Postgres stopping cuts them. */
describe('SendQueue pacing connections', () => {
  const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
  // Only the pacing pool is used here: it needs the database URL and nothing of the service.
  const queue = new SendQueue({} as DataSource, { DATABASE_URL } as MessagingConfig);
  const inPacingTransaction = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> =>
    (
      queue as unknown as {
        inPacingTransaction(work: (client: PoolClient) => Promise<T>): Promise<T>;
      }
    ).inPacingTransaction(work);

  afterAll(async () => {
    await queue.onApplicationShutdown();
    await admin.end();
  });

  it('fails the transaction, not the process, when the connection is cut between two queries', async () => {
    await expect(
      inPacingTransaction(async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
        // The connection's 'error' arrives now, while no query of this client runs.
        await new Promise((resolve) => setTimeout(resolve, 300));
      }),
    ).rejects.toThrow();

    const { rows } = await inPacingTransaction((client) => client.query('SELECT 1 AS one'));
    expect(rows).toEqual([{ one: 1 }]);
  });
});
