export * from './segments';
export * from './opt-keywords';
export * from './personalize';
