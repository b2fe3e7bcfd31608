import { BaseRpcContext } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { CorrelationContext } from '@fidelis/logging';

/**
 * What an event handler gets besides its payload (`@Ctx() context: EventContext`): the database to
 * work in — for `@OnEvent(…, 'once')` the transaction that also records the event as handled, so
 * the handler's changes and its outbox events commit with it — and the correlation of the event
 * (none for the batch handlings, whose events each have their own).
 */
export class EventContext extends BaseRpcContext<[EntityManager, CorrelationContext | undefined]> {
  get manager(): EntityManager {
    return this.args[0];
  }

  get correlation(): CorrelationContext | undefined {
    return this.args[1];
  }
}

/** What a request handler gets besides its payload: the request's name and the asker's correlation. */
export class RequestContext extends BaseRpcContext<[string, CorrelationContext | undefined]> {
  get name(): string {
    return this.args[0];
  }

  get correlation(): CorrelationContext | undefined {
    return this.args[1];
  }
}

export type BrokerContext = EventContext | RequestContext;
