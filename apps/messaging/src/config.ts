import {
  commonEnvironment,
  gatewayAddressEnvironment,
  loadConfig,
  mailEnvironment,
  publicBaseUrl,
  quietHoursEnvironment,
  twilioEnvironment,
} from '@fidelis/config';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { z } from 'zod';

export const messagingEnvironment = commonEnvironment
  .merge(twilioEnvironment)
  .merge(gatewayAddressEnvironment)
  .merge(mailEnvironment)
  .merge(quietHoursEnvironment)
  .extend({
    /** Outbound messages per second per Twilio number, shared by every messaging instance. */
    SEND_RATE_PER_NUMBER: z.coerce
      .number()
      .positive('must be a positive number of messages per second')
      .max(1000)
      .default(1),
    /**
     * Days message text and media are kept; unset keeps everything. Whole days only, so that a
     * typo (`30d`, `0`, `-1`) is refused at boot rather than read as "purge everything".
     */
    RETENTION_DAYS: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^[1-9]\d{0,4}$/, 'must be a positive whole number of days (unset keeps everything)')
        .transform(Number)
        .optional(),
    ),
  })
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: publicBaseUrl(env),
    TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID ?? EMULATOR_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN ?? EMULATOR_AUTH_TOKEN,
  }));
export type MessagingConfig = z.infer<typeof messagingEnvironment>;

export const loadMessagingConfig = (env: NodeJS.ProcessEnv = process.env): MessagingConfig =>
  loadConfig(messagingEnvironment, env);

export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');
