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

/** What every service reads: where Postgres and RabbitMQ are, and how much to log and how. */
export const commonEnvironment = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/fidelis_sms',
  ),
  RABBITMQ_URL: url(['amqp:', 'amqps:']).default('amqp://guest:guest@127.0.0.1:5672'),
  LOG_LEVEL: logLevel.default('info'),
  /** Unset: readable lines on a terminal, JSON lines otherwise (`@fidelis/logging`). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
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

/** Where the gateway listens and how Twilio reaches it (webhook URLs are built from it). */
export const gatewayAddressEnvironment = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
});

/** PUBLIC_BASE_URL without a trailing slash, `http://localhost:$PORT` when unset. */
export function publicBaseUrl(env: { PORT: number; PUBLIC_BASE_URL?: string }): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/** Region for phone numbers written without `+`. */
export const phoneEnvironment = z.object({
  DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US')
    .default('US'),
});

const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Outgoing mail (fallback and notification mail): SMTP, or `.eml` files when SMTP_URL is unset. */
export const mailEnvironment = z.object({
  SMTP_URL: z.preprocess(unsetWhenEmpty, url(['smtp:', 'smtps:']).optional()),
  MAIL_FROM: z.string().min(1, 'must not be empty').default('Fidelis SMS <no-reply@localhost>'),
});

/** A quiet window of the day, in minutes after midnight (it may cross midnight: 21:00–08:00). */
export interface QuietWindow {
  startMinute: number;
  endMinute: number;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minuteOf = (time: string) => {
  const [, hours, minutes] = CLOCK_TIME.exec(time) ?? [];
  return Number(hours) * 60 + Number(minutes);
};

/**
 * When no SMS may reach a student, in the student's own time zone (`timezone`, else
 * DEFAULT_TIMEZONE). `QUIET_HOURS=off` lets texts go at any hour.
 */
export const quietHoursEnvironment = z.object({
  DEFAULT_TIMEZONE: z
    .string()
    .refine(isTimeZone, { message: 'must be an IANA time zone such as America/New_York' })
    .default('America/New_York'),
  QUIET_HOURS: z
    .string()
    .refine(
      (value) => {
        if (value === 'off') return true;
        const [start, end, ...rest] = value.split('-');
        return (
          rest.length === 0 &&
          CLOCK_TIME.test(start ?? '') &&
          CLOCK_TIME.test(end ?? '') &&
          start !== end
        );
      },
      { message: 'must be two different times of day, HH:MM-HH:MM (e.g. 21:00-08:00), or off' },
    )
    .default('21:00-08:00')
    .transform((value): QuietWindow | null => {
      if (value === 'off') return null;
      const [start, end] = value.split('-');
      return { startMinute: minuteOf(start), endMinute: minuteOf(end) };
    }),
});

/** An IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
