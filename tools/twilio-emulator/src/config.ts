import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';

export interface EmulatorConfig {
  port: number;
  accountSid: string;
  authToken: string;
  callbackDelayMs: number;
}

/** Reads the emulator's environment; throws a message naming the bad variable. */
export function readEmulatorConfig(env: NodeJS.ProcessEnv): EmulatorConfig {
  const port = integer(env, 'TWILIO_EMULATOR_PORT', 4010);
  if (port > 65_535) throw new Error('TWILIO_EMULATOR_PORT must be a port number (0–65535)');
  const accountSid = env.TWILIO_ACCOUNT_SID || EMULATOR_ACCOUNT_SID;
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new Error('TWILIO_ACCOUNT_SID must be AC followed by 32 hex characters');
  }
  return {
    port,
    accountSid,
    authToken: env.TWILIO_AUTH_TOKEN || EMULATOR_AUTH_TOKEN,
    callbackDelayMs: integer(env, 'TWILIO_EMULATOR_CALLBACK_DELAY_MS', 200),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}
