import { z } from 'zod';
import { commonEnvironment, ConfigError, loadConfig, quietHoursEnvironment } from '.';

describe('loadConfig', () => {
  it('applies the defaults of the contract when nothing is set', () => {
    const config = loadConfig(commonEnvironment, {});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/fidelis_sms');
    expect(config.RABBITMQ_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('refuses a bad variable with one line naming it and what is wrong', () => {
    const load = () => loadConfig(commonEnvironment, { DATABASE_URL: 'mysql://x' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /^Invalid environment: DATABASE_URL: must be a URL starting with postgres:/,
    );
    try {
      load();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('refuses a log format other than json or pretty', () => {
    expect(loadConfig(commonEnvironment, { LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig(commonEnvironment, {}).LOG_FORMAT).toBeUndefined();
    expect(() => loadConfig(commonEnvironment, { LOG_FORMAT: 'fancy' })).toThrow(
      "Invalid environment: LOG_FORMAT: Invalid enum value. Expected 'json' | 'pretty', received 'fancy'",
    );
  });

  it('names every bad variable at once', () => {
    const schema = commonEnvironment.extend({ PORT: z.coerce.number().int().positive() });
    expect(() =>
      loadConfig(schema, { RABBITMQ_URL: 'http://x', PORT: 'abc', LOG_LEVEL: 'loud' }),
    ).toThrow(/RABBITMQ_URL: .*; LOG_LEVEL: .*; PORT: /);
  });

  it('reads quiet hours as minutes of the day, off, or refuses them saying how to write them', () => {
    expect(loadConfig(quietHoursEnvironment, {})).toEqual({
      DEFAULT_TIMEZONE: 'America/New_York',
      QUIET_HOURS: { startMinute: 21 * 60, endMinute: 8 * 60 },
    });
    expect(loadConfig(quietHoursEnvironment, { QUIET_HOURS: '12:30-13:45' }).QUIET_HOURS).toEqual({
      startMinute: 750,
      endMinute: 825,
    });
    expect(loadConfig(quietHoursEnvironment, { QUIET_HOURS: 'off' }).QUIET_HOURS).toBeNull();
    for (const bad of ['21-8', '21:00-08:00-09:00', '25:00-08:00', '08:00-08:00', 'night']) {
      expect(() => loadConfig(quietHoursEnvironment, { QUIET_HOURS: bad })).toThrow(
        'QUIET_HOURS: must be two different times of day, HH:MM-HH:MM (e.g. 21:00-08:00), or off',
      );
    }
    expect(() => loadConfig(quietHoursEnvironment, { DEFAULT_TIMEZONE: 'Mars/Olympus' })).toThrow(
      'DEFAULT_TIMEZONE: must be an IANA time zone such as America/New_York',
    );
  });
});
