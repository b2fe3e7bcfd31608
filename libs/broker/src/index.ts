export * from './broker';
export * from './errors';
export * from './topology';
export * from './outbox';
export * from './handle-once';
export * from './publish-derived';
export * from './batches';
export * from './broker-tables.migration';
