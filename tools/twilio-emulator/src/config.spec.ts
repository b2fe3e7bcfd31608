import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { readEmulatorConfig } from './config';

describe('readEmulatorConfig', () => {
  it('defaults to port 4010, the emulator credentials and a 200 ms callback delay', () => {
    expect(readEmulatorConfig({})).toEqual({
      port: 4010,
      accountSid: EMULATOR_ACCOUNT_SID,
      authToken: EMULATOR_AUTH_TOKEN,
      callbackDelayMs: 200,
    });
  });

  it('reads every variable', () => {
    const accountSid = 'AC' + 'f'.repeat(32);
    expect(
      readEmulatorConfig({
        TWILIO_EMULATOR_PORT: '4999',
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: 'secret',
        TWILIO_EMULATOR_CALLBACK_DELAY_MS: '0',
      }),
    ).toEqual({ port: 4999, accountSid, authToken: 'secret', callbackDelayMs: 0 });
  });

  it.each([
    [{ TWILIO_EMULATOR_PORT: 'abc' }, /TWILIO_EMULATOR_PORT/],
    [{ TWILIO_EMULATOR_PORT: '70000' }, /TWILIO_EMULATOR_PORT/],
    [{ TWILIO_ACCOUNT_SID: 'XX123' }, /TWILIO_ACCOUNT_SID/],
    [{ TWILIO_EMULATOR_CALLBACK_DELAY_MS: '-5' }, /TWILIO_EMULATOR_CALLBACK_DELAY_MS/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => readEmulatorConfig(env)).toThrow(message);
  });
});
