import {
  applyDecorators,
  ArgumentMetadata,
  ArgumentsHost,
  Catch,
  PipeTransform,
  RpcExceptionFilter,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { Derived } from '@fidelis/broker';
import {
  DomainError,
  EventDefinition,
  EventEnvelope,
  RequestDefinition,
  Subscription,
  validateObject,
} from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { BrokerContext, RequestContext } from './broker-context';

/**
 * How the transport hands a subscription's events to its handler (`@OnEvent`):
 * - `once` (the default): one event at a time, in a transaction (`context.manager`) that also
 *   records the event as handled, so a redelivery has no second effect; the events that waited
 *   together share one transaction. The handler's outbox events are published after the commit.
 * - `batch`: the events that waited together, as one array, with no transaction — for a handler
 *   whose effect is idempotent by its data's own key (messaging's store of inbound SMS).
 * - `derive`: the events that waited together; the handler only reads (`context.manager`) and
 *   returns the events it derived (`Derived[]`), which the transport publishes before it acks.
 * - `each`: one event at a time, with no transaction — for a handler that keeps its own record of
 *   what it did (notification's pushes, which must stay recorded when a later one fails).
 */
export type EventHandling = 'once' | 'batch' | 'derive' | 'each';

/** What `@OnEvent` and `@OnLiveEvent` leave on the handler for the transport. */
export type EventExtras =
  { subscription: Subscription; handling: EventHandling } | { live: EventDefinition };

const log = logger('BrokerTransport');

/**
 * A request's answer is a DomainError (its code reaches the asker) or, for anything else, a logged
 * INTERNAL. An event handler's error goes on unchanged: the transport retries or dead-letters by
 * its kind (OutageError, PermanentError…), which Nest's default filter would erase.
 */
@Catch()
class BrokerExceptionFilter implements RpcExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): Observable<never> {
    const context = host.switchToRpc().getContext<BrokerContext>();
    if (!(context instanceof RequestContext) || error instanceof DomainError) {
      return throwError(() => error);
    }
    log.error({ err: error, request: context.name }, 'request failed');
    return throwError(() => new DomainError('INTERNAL', 'the request failed'));
  }
}

/** Checks a request's payload against its definition's class; a bad one is INVALID_INPUT. */
class RequestValidationPipe implements PipeTransform {
  constructor(private readonly definition: RequestDefinition<object, unknown>) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // `@Payload()` is the 'body'; `@Ctx()` passes through untouched.
    if (metadata.type !== 'body') return value;
    const { value: request, problems } = validateObject(this.definition.request, value);
    if (problems.length > 0) {
      throw new DomainError('INVALID_INPUT', problems.join('; '), problems);
    }
    return request;
  }
}

const exceptions = new BrokerExceptionFilter();

/** A handler's method as its handling calls it (the compiler checks `@OnEvent` methods with it). */
export type EventHandlerMethod<P extends object, H extends EventHandling> = H extends 'batch'
  ? (events: EventEnvelope<P>[], ...context: never[]) => Promise<void>
  : H extends 'derive'
    ? (events: EventEnvelope<P>[], ...context: never[]) => Promise<Derived[]>
    : (event: EventEnvelope<P>, ...context: never[]) => Promise<void>;

/** A request handler's method: the request in, its answer out. */
export type RequestHandlerMethod<Req extends object, Res> = (
  request: Req,
  ...context: never[]
) => Res | Promise<Res>;

type TypedMethodDecorator<M> = (
  target: object,
  key: string | symbol,
  descriptor: { value?: M },
) => void;

/**
 * Handles `subscription`'s events: `@OnEvent(SUBSCRIPTIONS.x) m(@Payload() event, @Ctx() context)`.
 * The transport consumes the subscription's durable queue: ack after the handler (and the commit),
 * retries with delays, then the dead-letter queue. See `EventHandling` for what the handler gets.
 */
export function OnEvent<P extends object, H extends EventHandling = 'once'>(
  subscription: Subscription<P>,
  handling: H = 'once' as H,
): TypedMethodDecorator<EventHandlerMethod<P, H>> {
  const extras: EventExtras = { subscription, handling };
  return applyDecorators(EventPattern(subscription.queue, extras), UseFilters(exceptions));
}

/**
 * Sees every `definition` event published while this instance is connected, on every instance
 * (fan-out): news for connected clients, never work that must happen — nothing is retried, and
 * what passed while disconnected is not seen.
 */
export function OnLiveEvent<P extends object>(
  definition: EventDefinition<P>,
): TypedMethodDecorator<(event: EventEnvelope<P>, ...context: never[]) => void> {
  const extras: EventExtras = { live: definition };
  return applyDecorators(
    EventPattern(`live:${definition.routingKey}`, extras),
    UseFilters(exceptions),
  );
}

/**
 * Answers `definition`: `@OnRequest(GetMessage) get(@Payload() request: MessageIdRequest)`. The
 * payload is checked against the definition's class first; what the method returns (or resolves
 * to) is the answer, and a DomainError it throws reaches the asker with its code.
 */
export function OnRequest<Req extends object, Res>(
  definition: RequestDefinition<Req, Res>,
): TypedMethodDecorator<RequestHandlerMethod<Req, Res>> {
  return applyDecorators(
    MessagePattern(definition.name),
    UsePipes(new RequestValidationPipe(definition)),
    UseFilters(exceptions),
  );
}
