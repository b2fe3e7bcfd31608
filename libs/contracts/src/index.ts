// class-transformer's @Type reads decorator metadata.
import 'reflect-metadata';

export * from './event-definition';
export * from './envelope';
export * from './validate-event';
export * from './topology';
export * from './domain-error';
export * from './request-definition';
export * from './events/sms-received.event';
export * from './events/sms-status-reported.event';
export * from './events/student-resolved.event';
