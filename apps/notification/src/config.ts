import { commonEnvironment, loadConfig, mailEnvironment } from '@fidelis/config';
import { z } from 'zod';

const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/** A base64url string (no padding) that decodes to `bytes` bytes. */
const base64urlKey = (bytes: number, what: string) =>
  z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .refine(
        (value) =>
          /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === bytes,
        { message: `must be ${what} as base64url without padding (${bytes} bytes)` },
      )
      .optional(),
  );

export const notificationEnvironment = commonEnvironment
  .merge(mailEnvironment)
  .extend({
    /** The Web Push identity; when both are unset, a key pair is generated once and kept. */
    VAPID_PUBLIC_KEY: base64urlKey(65, 'an uncompressed P-256 public key'),
    VAPID_PRIVATE_KEY: base64urlKey(32, 'a P-256 private key'),
    /** Who push services may contact about our pushes: a mailto: or https: URL. */
    VAPID_SUBJECT: z.preprocess(
      unsetWhenEmpty,
      z
        .string()
        .refine((value) => /^(mailto:|https:\/\/)\S+$/.test(value), {
          message: 'must be a mailto: or https: URL',
        })
        .default('mailto:no-reply@localhost'),
    ),
  })
  .refine((env) => (env.VAPID_PUBLIC_KEY === undefined) === (env.VAPID_PRIVATE_KEY === undefined), {
    message: 'set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither',
    path: ['VAPID_PRIVATE_KEY'],
  });
export type NotificationConfig = z.infer<typeof notificationEnvironment>;

export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env): NotificationConfig =>
  loadConfig(notificationEnvironment, env);
