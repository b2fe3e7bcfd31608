import { EntityManager } from 'typeorm';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';
import { inBatches } from './batches';
import { Broker, EventHandler } from './broker';

/** An event a step derived (`deriveEnvelope`), with its definition. */
export interface Derived {
  definition: EventDefinition<object>;
  event: EventEnvelope<object>;
}

/** A step that writes nothing: reads through `manager` and answers the events it derived. */
export type StepHandler<P> = (
  events: EventEnvelope<P>[],
  manager: EntityManager,
) => Promise<Derived[]>;

/**
 * Wraps a step that only reads and publishes (routing's two steps): no transaction, no record of
 * handled events, no outbox — the events it derives are published, confirmed, and only then is
 * the event acked. After a crash before the ack, the redelivered event derives the same ids
 * (`deriveEnvelope`), so a next step that records the ids it handled (`@OnEvent(…, 'once')`) has its effect
 * once — one that is idempotent by its own key, such as messaging's store, needs no more.
 * Events that arrive while a batch is worked on are handled together (`Batches`).
 */
export function publishDerived<P>(
  broker: Broker,
  manager: EntityManager,
  work: StepHandler<P>,
): EventHandler<P> {
  return inBatches(async (events: EventEnvelope<P>[]) => {
    const derived = await work(events, manager);
    await Promise.all(
      derived.map(({ definition, event }) => broker.publish(event, definition.routingKey)),
    );
  });
}
