import { Pool } from 'pg';
import { ServiceProcess, startServiceProcess } from '../../../../test/support/service-process';

/** A messaging service as a process of its own, ready once its send worker beats. */
export async function startMessagingProcess(
  env: NodeJS.ProcessEnv,
  db: Pool,
): Promise<ServiceProcess> {
  const before = await db.query<{ worker_id: string }>(
    'SELECT worker_id FROM messaging.send_workers',
  );
  const known = before.rows.map((row) => row.worker_id);
  return startServiceProcess('messaging', env, async () => {
    const { rows } = await db.query(
      'SELECT 1 FROM messaging.send_workers WHERE NOT (worker_id = ANY($1::uuid[]))',
      [known],
    );
    if (rows.length === 0) throw new Error('the send worker has not beaten yet');
  });
}
