/**
 * A message type on the broker: its name, version and payload class. The routing key is
 * `<domain>.<event-kebab>.v<N>`; a published version never changes, a new shape is a new version.
 */
export interface EventDefinition<P extends object = object> {
  readonly type: string;
  readonly version: number;
  readonly routingKey: string;
  readonly payload: new () => P;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function defineEvent<P extends object>(
  domain: string,
  type: string,
  version: number,
  payload: new () => P,
): EventDefinition<P> {
  return { type, version, routingKey: `${domain}.${kebab(type)}.v${version}`, payload };
}
