import { EventDefinition } from './event-definition';
import { InboundSmsStored } from './events/inbound-sms-stored.event';
import { SmsReceived } from './events/sms-received.event';
import { SmsRouted } from './events/sms-routed.event';
import { StudentResolved } from './events/student-resolved.event';
import { SmsStatusReported } from './events/sms-status-reported.event';
import { AuditRecorded } from './audit/audit-recorded.event';
import { StaffUpserted, StudentUpserted } from './directory/directory.events';
import { NumberAssigned, NumberReleased, NumberUnassigned } from './numbers/numbers.events';
import { SmsOptOutChanged, SmsStatusChanged } from './messages/messages.events';
import { RetentionApplied } from './retention/retention';

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
  routingSmsReceived: subscribe('routing', SmsReceived),
  routingStudentResolved: subscribe('routing', StudentResolved),
  messagingSmsRouted: subscribe('messaging', SmsRouted),
  notificationInboundSmsStored: subscribe('notification', InboundSmsStored),
  messagingSmsStatusReported: subscribe('messaging', SmsStatusReported),
  messagingStudentUpserted: subscribe('messaging', StudentUpserted),
  messagingStaffUpserted: subscribe('messaging', StaffUpserted),
  messagingNumberAssigned: subscribe('messaging', NumberAssigned),
  messagingNumberUnassigned: subscribe('messaging', NumberUnassigned),
  messagingNumberReleased: subscribe('messaging', NumberReleased),
  messagingSmsOptOutChanged: subscribe('messaging', SmsOptOutChanged),
  routingStudentUpserted: subscribe('routing', StudentUpserted),
  routingNumberAssigned: subscribe('routing', NumberAssigned),
  routingNumberUnassigned: subscribe('routing', NumberUnassigned),
  routingNumberReleased: subscribe('routing', NumberReleased),
  notificationStaffUpserted: subscribe('notification', StaffUpserted),
  notificationSmsStatusChanged: subscribe('notification', SmsStatusChanged),
  gatewayAuditRecorded: subscribe('gateway', AuditRecorded),
  gatewayRetentionApplied: subscribe('gateway', RetentionApplied),
  routingRetentionApplied: subscribe('routing', RetentionApplied),
  notificationRetentionApplied: subscribe('notification', RetentionApplied),
} as const;
