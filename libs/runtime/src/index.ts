export * from './service.module';
export * from './run-service';
export * from './unit-of-work';
