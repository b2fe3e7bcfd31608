export * from './base-url-request-client';
export * from './create-twilio-client';
export * from './emulator-credentials';
export * from './retry-after';
export * from './signature';
