import webpush from 'web-push';
import { loadNotificationConfig } from './config';

describe('notification config', () => {
  const pair = webpush.generateVAPIDKeys();

  it('defaults the VAPID subject and leaves the keys to the database', () => {
    const config = loadNotificationConfig({});
    expect(config.VAPID_SUBJECT).toBe('mailto:no-reply@localhost');
    expect(config.VAPID_PUBLIC_KEY).toBeUndefined();
    expect(config.VAPID_PRIVATE_KEY).toBeUndefined();
  });

  it('takes a VAPID key pair from the environment, empty values meaning unset', () => {
    const config = loadNotificationConfig({
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: '',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    expect(config).toMatchObject({
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: 'mailto:no-reply@localhost',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['a public key alone', { VAPID_PUBLIC_KEY: pair.publicKey }, 'VAPID_PRIVATE_KEY: set both'],
    ['a private key alone', { VAPID_PRIVATE_KEY: pair.privateKey }, 'VAPID_PRIVATE_KEY: set both'],
    [
      'a public key that is no P-256 point',
      { VAPID_PUBLIC_KEY: 'abc', VAPID_PRIVATE_KEY: pair.privateKey },
      'VAPID_PUBLIC_KEY: must be',
    ],
    [
      'a private key of the wrong length',
      { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.publicKey },
      'VAPID_PRIVATE_KEY: must be',
    ],
    [
      'a subject without a scheme',
      { VAPID_SUBJECT: 'no-reply@localhost' },
      'VAPID_SUBJECT: must be',
    ],
    ['an http subject', { VAPID_SUBJECT: 'http://example.edu' }, 'VAPID_SUBJECT: must be'],
  ])('refuses %s', (_case, env, message) => {
    expect(() => loadNotificationConfig(env)).toThrow(message);
  });
});
