// class-transformer's @Type reads decorator metadata.
import 'reflect-metadata';

export * from './event-definition';
export * from './envelope';
export * from './validate-event';
export * from './cursor';
export * from './topology';
export * from './domain-error';
export * from './request-definition';
export * from './events/sms-received.event';
export * from './events/sms-status-reported.event';
export * from './events/student-resolved.event';
export * from './events/sms-routed.event';
export * from './events/inbound-sms-stored.event';
export * from './directory/roles';
export * from './directory/directory.events';
export * from './directory/directory.requests';
export * from './directory/send-context.requests';
export * from './directory/dev-sign-in';
export * from './numbers/numbers.events';
export * from './numbers/numbers.requests';
export * from './audit/audit-recorded.event';
export * from './messages/message-view';
export * from './messages/messages.requests';
export * from './messages/views.requests';
export * from './messages/messages.events';
export * from './push/push.requests';
export * from './retention/retention';
