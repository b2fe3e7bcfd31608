export * from './segments';
export * from './opt-keywords';
