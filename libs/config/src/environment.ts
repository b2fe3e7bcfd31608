import { z } from 'zod';

/** A URL with one of the given protocols, e.g. `url(['postgres:', 'postgresql:'])`. */
export function url(protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** What every service reads: where Postgres and RabbitMQ are, and how much to log. */
export const commonEnvironment = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/fidelis_sms',
  ),
  RABBITMQ_URL: url(['amqp:', 'amqps:']).default('amqp://guest:guest@127.0.0.1:5672'),
  LOG_LEVEL: logLevel.default('info'),
});

export type CommonConfig = z.infer<typeof commonEnvironment>;

/** The Twilio account every service that talks to Twilio uses, the emulator's when unset. */
export const twilioEnvironment = z.object({
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1, 'must not be empty').optional(),
  TWILIO_API_BASE_URL: url(['http:', 'https:']).default('https://api.twilio.com'),
});
