import { DataSource, EntityManager } from 'typeorm';
import { EventEnvelope } from '@fidelis/contracts';
import { EventHandler } from './broker';

export type TransactionalHandler<P> = (
  event: EventEnvelope<P>,
  manager: EntityManager,
) => Promise<void>;

/**
 * Wraps a handler so that its effect happens once per event: the event id is recorded in the
 * consumer's own schema in the same transaction as the effect, and a redelivery finds it there.
 * The broker acks only after this resolves, that is after the commit.
 */
export function handleOnce<P>(
  dataSource: DataSource,
  options: { schema: string; consumer: string; afterCommit?: () => void },
  work: TransactionalHandler<P>,
): EventHandler<P> {
  const table = `"${options.schema}".processed_events`;
  return async (event) => {
    const handled = await dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [options.consumer, event.eventId],
      );
      if (inserted.length === 0) return false;
      await work(event, manager);
      return true;
    });
    if (handled) options.afterCommit?.();
  };
}
