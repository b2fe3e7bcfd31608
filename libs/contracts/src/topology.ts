import { EventDefinition } from './event-definition';
import { SmsReceived } from './events/sms-received.event';
import { SmsStatusReported } from './events/sms-status-reported.event';

export const SERVICES = ['gateway', 'numbers', 'messaging', 'routing', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** One durable queue per consumer and event, named `<consumer>.<event-kebab>`. */
export interface Subscription<P extends object = object> {
  readonly queue: string;
  readonly event: EventDefinition<P>;
}

function subscribe<P extends object>(
  consumer: ServiceName,
  event: EventDefinition<P>,
): Subscription<P> {
  const name = event.routingKey.split('.')[1];
  return { queue: `${consumer}.${name}`, event };
}

/**
 * Every subscription of the system. Each service declares all of them when it connects, so no
 * event can be published before the queue that must keep it exists.
 */
export const SUBSCRIPTIONS = {
  messagingSmsReceived: subscribe('messaging', SmsReceived),
  messagingSmsStatusReported: subscribe('messaging', SmsStatusReported),
} as const;
