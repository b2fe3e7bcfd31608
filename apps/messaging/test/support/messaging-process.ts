import { Pool } from 'pg';
import { ServiceProcess, startServiceProcess } from '../../../../test/support/service-process';

/** A messaging service as a process of its own, ready once its send worker beats. */
export async function startMessagingProcess(
  env: NodeJS.ProcessEnv,
  db: Pool,
): Promise<ServiceProcess> {
  const known = await workerIds(db);
  return startServiceProcess('messaging', env, async () => {
    const { rows } = await db.query(
      'SELECT 1 FROM messaging.send_workers WHERE NOT (worker_id = ANY($1::uuid[]))',
      [known],
    );
    if (rows.length === 0) throw new Error('the send worker has not beaten yet');
  });
}

/** The send workers that have beaten so far; none while no messaging service has migrated yet. */
async function workerIds(db: Pool): Promise<string[]> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('messaging.send_workers') IS NOT NULL AS present`,
  );
  if (!rows[0].present) return [];
  const before = await db.query<{ worker_id: string }>(
    'SELECT worker_id FROM messaging.send_workers',
  );
  return before.rows.map((row) => row.worker_id);
}
