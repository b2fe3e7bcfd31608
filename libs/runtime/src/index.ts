export * from './service.module';
export * from './run-service';
export * from './unit-of-work';
export * from './audit-trail';
export * from './transport/broker-client';
export * from './transport/broker-context';
export * from './transport/broker-transport';
export * from './transport/handler-decorators';
