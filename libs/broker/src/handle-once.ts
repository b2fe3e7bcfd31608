import { DataSource, EntityManager } from 'typeorm';
import { EventEnvelope } from '@fidelis/contracts';
import { EventHandler } from './broker';

export type TransactionalHandler<P> = (
  event: EventEnvelope<P>,
  manager: EntityManager,
) => Promise<void>;

interface Waiting<P> {
  event: EventEnvelope<P>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps a handler so that its effect happens once per event: the event id is recorded in the
 * consumer's own schema in the same transaction as the effect, and a redelivery finds it there.
 * The broker acks only after this resolves, that is after the commit.
 *
 * Events that arrive while a transaction is running wait and are then handled together, one
 * after the other in one transaction (at most `maxBatch`): under load a commit serves many events,
 * idle an event is handled at once. When that transaction fails, each of its events is handled
 * again in a transaction of its own, so that only the one that fails is retried.
 */
export function handleOnce<P>(
  dataSource: DataSource,
  options: { schema: string; consumer: string; afterCommit?: () => void; maxBatch?: number },
  work: TransactionalHandler<P>,
): EventHandler<P> {
  const table = `"${options.schema}".processed_events`;
  const maxBatch = options.maxBatch ?? 50;
  const waiting: Waiting<P>[] = [];
  let draining = false;

  /** Handles `events` in one transaction; each event's effect only if its id is new. */
  const handle = async (events: EventEnvelope<P>[]): Promise<void> => {
    const handled = await dataSource.transaction(async (manager) => {
      const inserted = await manager.query<{ event_id: string }[]>(
        `INSERT INTO ${table} (consumer, event_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [options.consumer, events.map((event) => event.eventId)],
      );
      const fresh = new Set(inserted.map((row) => row.event_id));
      for (const event of events) {
        // delete: the same event twice in one batch (a redelivery) has its effect once.
        if (fresh.delete(event.eventId)) await work(event, manager);
      }
      return inserted.length > 0;
    });
    if (handled) options.afterCommit?.();
  };

  const drain = async (): Promise<void> => {
    draining = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        await handle(batch.map((item) => item.event));
        for (const item of batch) item.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0].reject(error);
          continue;
        }
        await Promise.all(
          batch.map((item) => handle([item.event]).then(item.resolve, item.reject)),
        );
      }
    }
    draining = false;
  };

  return (event) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ event, resolve, reject });
      if (!draining) void drain();
    });
}
