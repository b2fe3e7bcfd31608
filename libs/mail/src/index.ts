export * from './mail.client';
