import { EntityManager } from 'typeorm';

/**
 * The version a write gives a staff or student row, as SQL over the row's `current` version: the
 * database's clock read under the row's lock, to the millisecond (what an event's `occurredAt`
 * carries), and always after `current` (null for a new row), so that two writes within one
 * millisecond are still ordered. The write's event carries it as `occurredAt`, and the send
 * context answers it as `updatedAt`: the copies weigh both with the same "older changes nothing".
 */
export function nextVersion(current: string | null): string {
  const clock = "date_trunc('milliseconds', clock_timestamp())";
  return current === null ? clock : `GREATEST(${clock}, ${current} + interval '1 millisecond')`;
}

/** The next version of a row already locked by this transaction (`current` null: a new row). */
export async function nextVersionOf(manager: EntityManager, current: Date | null): Promise<Date> {
  const [row] = await manager.query<{ version: Date }[]>(
    `SELECT ${nextVersion('$1::timestamptz')} AS version`,
    [current],
  );
  return row.version;
}
