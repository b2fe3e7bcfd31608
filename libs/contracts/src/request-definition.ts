import type { ServiceName } from './topology';

/**
 * A question or command one service answers for another (mostly the gateway, for the dashboard):
 * sent over RabbitMQ to `rpc.<service>`, answered on the asker's reply queue. `Req` is a
 * class-validator class checked on receipt; `Res` is only a type.
 */
export interface RequestDefinition<Req extends object, Res> {
  readonly service: ServiceName;
  readonly name: string;
  readonly request: new () => Req;
  /** Never set: carries the response type. */
  readonly response?: Res;
}

export function defineRequest<Req extends object, Res>(
  service: ServiceName,
  name: string,
  request: new () => Req,
): RequestDefinition<Req, Res> {
  return { service, name: `${service}.${name}`, request };
}

/** Every service answers it after checking its own database. */
export class PingRequest {}
export const ping = (service: ServiceName) =>
  defineRequest<PingRequest, { service: ServiceName }>(service, 'ping', PingRequest);

export function rpcQueue(service: ServiceName): string {
  return `rpc.${service}`;
}
