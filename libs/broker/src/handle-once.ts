import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@fidelis/contracts';
import { inBatches } from './batches';
import { EventHandler } from './broker';
import { Transaction } from './outbox';

/** The effect of one event, in the transaction of `manager`. */
export type TransactionalHandler<P> = (
  event: EventEnvelope<P>,
  manager: EntityManager,
) => Promise<void>;

/** The effect of several events at once (a hot path's multi-row statements), in one transaction. */
export type BatchHandler<P> = (events: EventEnvelope<P>[], manager: EntityManager) => Promise<void>;

/** A batch handler that handles its events one after the other. */
export function oneByOne<P>(work: TransactionalHandler<P>): BatchHandler<P> {
  return async (events, manager) => {
    for (const event of events) await work(event, manager);
  };
}

/**
 * Wraps a handler so that its effect happens once per event: the event id is recorded in the
 * consumer's own schema in the same transaction as the effect, and a redelivery finds it there.
 * The broker acks only after this resolves, that is after the commit. `transaction` is the
 * service's `Outbox.transaction`, so that the events the handler adds are published at once.
 *
 * Events that arrive while a transaction is running wait and are then handled together in one
 * transaction (`Batches`, at most `BATCH_SIZE`); when it fails, each is handled again alone.
 */
export function handleOnce<P>(
  transaction: Transaction,
  options: { schema: string; consumer: string },
  work: BatchHandler<P>,
): EventHandler<P> {
  const table = `"${options.schema}".processed_events`;

  // Handles the events of a batch in one transaction; the effect only of those whose id is new.
  return inBatches((events: EventEnvelope<P>[]) =>
    transaction(async (manager) => {
      const inserted = await manager.query<{ event_id: string }[]>(
        `INSERT INTO ${table} (consumer, event_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [options.consumer, events.map((event) => event.eventId)],
      );
      const fresh = new Set(inserted.map((row) => row.event_id));
      // delete: the same event twice in one batch (a redelivery) has its effect once.
      const freshEvents = events.filter((event) => fresh.delete(event.eventId));
      if (freshEvents.length > 0) await work(freshEvents, manager);
    }),
  );
}
