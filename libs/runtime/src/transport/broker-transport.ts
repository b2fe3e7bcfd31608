import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import {
  BATCH_SIZE,
  Broker,
  Derived,
  EventHandler,
  handleOnce,
  inBatches,
  IncomingRequest,
  oneByOne,
  Outbox,
  publishDerived,
  Reply,
} from '@fidelis/broker';
import { DomainError, EventEnvelope, ServiceName } from '@fidelis/contracts';
import { CorrelationContext, runWithCorrelation } from '@fidelis/logging';
import { EventContext, RequestContext } from './broker-context';
import { EventExtras } from './handler-decorators';

export const TRANSPORT_SERVICE = Symbol('TRANSPORT_SERVICE');

function correlationOf(event: EventEnvelope<object>): CorrelationContext {
  return { correlationId: event.correlationId, eventId: event.eventId };
}

/**
 * Nest's microservice transport over our broker (`libs/broker`): it hands each `@OnEvent` handler
 * the events of its subscription's durable queue, each `@OnLiveEvent` the live events, and each
 * `@OnRequest` the requests to `rpc.<service>`, keeping every guarantee of the broker — confirmed
 * publishes, the outbox, ack after commit, retries then the dead-letter queue, handled once by
 * event id, batches of the events that waited together, the drain on shutdown, reconnects.
 *
 * It is also the service's lifecycle: `listen` starts the broker and the outbox once every handler
 * is known; shutdown drains the handlers, lets the outbox publish what they committed, then closes
 * the broker and the database.
 */
@Injectable()
export class BrokerTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(TRANSPORT_SERVICE) private readonly service: ServiceName,
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const requests = new Map<string, MessageHandler>();
      for (const [pattern, handler] of this.messageHandlers) {
        if (!handler.isEventHandler) requests.set(pattern, handler);
        else if (handler.extras) this.subscribe(handler, handler.extras as EventExtras);
        // A bare @EventPattern says neither its queue nor how to handle its events.
        else throw new Error(`${pattern}: declare event handlers with @OnEvent or @OnLiveEvent`);
      }
      if (requests.size > 0)
        this.broker.serve(this.service, (request) => this.answer(requests, request));
      await this.broker.start();
      this.outbox.start();
      void this.outbox.relay();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Takes no more work and lets what is running finish (again at shutdown: it is idempotent). */
  async close(): Promise<void> {
    await this.broker.stopConsuming();
  }

  /** Before anything closes, the handlers running finish with everything they use still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
  }

  /** The outbox publishes what the handlers and the last requests committed, then all closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
    await this.broker.close();
    await this.dataSource.destroy();
  }

  on(): never {
    throw new Error('the broker transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  private subscribe(handler: MessageHandler, extras: EventExtras): void {
    if ('live' in extras) {
      this.broker.subscribeLive(extras.live, async (event) => {
        await this.run(handler, event, this.dataSource.manager, correlationOf(event));
      });
      return;
    }
    // The batch handlings (and `each`, whose handler gathers its own batches) hold up to a whole
    // batch; `once` takes the broker's default.
    const prefetch = extras.handling === 'once' ? undefined : BATCH_SIZE;
    this.broker.consume(extras.subscription, this.consumer(handler, extras), { prefetch });
  }

  private consumer(
    handler: MessageHandler,
    { subscription, handling }: Extract<EventExtras, { handling: unknown }>,
  ): EventHandler<object> {
    const manager = this.dataSource.manager;
    switch (handling) {
      case 'once':
        return handleOnce(
          this.outbox.transaction,
          { schema: this.service, consumer: subscription.queue },
          oneByOne(async (event, transaction) => {
            await this.run(handler, event, transaction, correlationOf(event));
          }),
        );
      case 'batch':
        return inBatches(async (events) => {
          await this.run(handler, events, manager);
        });
      case 'derive':
        return publishDerived(this.broker, manager, async (events) => {
          return (await this.run(handler, events, manager)) as Derived[];
        });
      case 'each':
        return async (event) => {
          await this.run(handler, event, manager, correlationOf(event));
        };
    }
  }

  private run(
    handler: MessageHandler,
    data: unknown,
    manager: EntityManager,
    correlation?: CorrelationContext,
  ): Promise<unknown> {
    return this.invoke(handler, data, new EventContext([manager, correlation]));
  }

  /**
   * Calls a handler through Nest (its pipe and exception filter) in the correlation of its event
   * or request, and resolves with what it returned; what the filter made of an error rejects. The
   * correlation is set here, not by a Nest interceptor: the interceptor chain (observables, `defer`,
   * an AsyncResource per call) cost about 80 µs per call, ten times all the rest (90 → 8 µs).
   */
  private async invoke(
    handler: MessageHandler,
    data: unknown,
    context: EventContext | RequestContext,
  ): Promise<unknown> {
    const call = () => handler(data, context);
    const { correlation } = context;
    const result: unknown = await (correlation ? runWithCorrelation(correlation, call) : call());
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  private async answer(
    handlers: Map<string, MessageHandler>,
    request: IncomingRequest,
  ): Promise<Reply> {
    const handler = handlers.get(request.name);
    if (!handler) {
      return { ok: false, error: { code: 'INTERNAL', message: `no handler for ${request.name}` } };
    }
    const correlation = request.correlationId
      ? { correlationId: request.correlationId }
      : undefined;
    try {
      const answer = await this.invoke(
        handler,
        request.payload,
        new RequestContext([request.name, correlation]),
      );
      return { ok: true, result: answer ?? null };
    } catch (error) {
      // The exception filter made every failure a DomainError.
      const { code, message, details } =
        error instanceof DomainError ? error : new DomainError('INTERNAL', 'the request failed');
      return { ok: false, error: { code, message, details } };
    }
  }
}
