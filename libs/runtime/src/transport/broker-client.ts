import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { Broker } from '@fidelis/broker';
import { RequestDefinition } from '@fidelis/contracts';

/** The pattern `BrokerClient.send` hands to `publish`: the request and how long to wait. */
interface Asking {
  definition: RequestDefinition<object, unknown>;
  timeoutMs?: number;
}

/**
 * Nest's `ClientProxy` over the service's broker connection: `client.send(GetMessage, { messageId })`
 * asks the service that owns the request and emits its answer, or errors with its DomainError —
 * SERVICE_UNAVAILABLE when nobody answers within `timeoutMs` (10 s unless given). A controller may
 * return the observable; other code awaits it with `firstValueFrom`.
 *
 * Events are never emitted through it: they go into the outbox in the transaction of the change
 * they announce (`Outbox.add`), so `emit` refuses.
 */
export class BrokerClient extends ClientProxy {
  constructor(private readonly broker: Broker) {
    super();
  }

  override send<Res, Req>(
    definition: RequestDefinition<Req & object, Res>,
    request: NoInfer<Req>,
    timeoutMs?: number,
  ): Observable<Res> {
    const asking: Asking = { definition, timeoutMs };
    return super.send<Res, Req>(asking, request);
  }

  /** The broker connects when the service starts, and again after any outage. */
  connect(): Promise<void> {
    return Promise.resolve();
  }

  override close(): void {}

  override on(): never {
    throw new Error('the broker client has no events to listen to');
  }

  override unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(
    packet: ReadPacket<object>,
    callback: (packet: WritePacket) => void,
  ): () => void {
    const { definition, timeoutMs } = packet.pattern as Asking;
    this.broker.request(definition, packet.data, timeoutMs).then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err }),
    );
    // A question already asked cannot be taken back; its answer is dropped.
    return () => undefined;
  }

  protected dispatchEvent(): Promise<never> {
    return Promise.reject(
      new Error('events are published through the outbox (Outbox.add), not emitted'),
    );
  }
}
