import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';

export interface BundledEmulator {
  /** The emulator's address, also its phone simulator's (CONTRACT.md §8). */
  url: string;
  /** What every service is given so that Twilio is the emulator. */
  env: Record<string, string>;
}

/**
 * The Twilio emulator `npm start` runs itself, unless a Twilio account is configured: then Twilio
 * is the real one, and nothing of the emulator's (nor the demo school) is started.
 */
export function bundledEmulator(env: NodeJS.ProcessEnv): BundledEmulator | undefined {
  if (env.TWILIO_ACCOUNT_SID) return undefined;
  const port = env.TWILIO_EMULATOR_PORT ?? '4010';
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    env: {
      TWILIO_ACCOUNT_SID: EMULATOR_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: EMULATOR_AUTH_TOKEN,
      TWILIO_API_BASE_URL: url,
      TWILIO_EMULATOR_PORT: port,
    },
  };
}
