import type twilio from 'twilio';
import { createTwilioClient } from '@fidelis/twilio';
import { createTwilioEmulator, type TwilioEmulator } from '../../src/emulator';

export interface EmulatorHarness {
  emulator: TwilioEmulator;
  url: string;
  client: twilio.Twilio;
  /** The raw JSON body of the client's last response, for schema checks. */
  lastBody(): unknown;
  control(path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Buys a number in the emulator and points its SmsUrl at `smsUrl`. */
  buyNumber(phoneNumber: string, smsUrl?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the emulator on a free port with a fast callback delay and the real Twilio client. */
export async function startEmulator(callbackDelayMs = 20): Promise<EmulatorHarness> {
  const emulator = createTwilioEmulator({ callbackDelayMs });
  const running = await emulator.listen(0);
  const client = createTwilioClient({
    accountSid: emulator.accountSid,
    authToken: emulator.authToken,
    apiBaseUrl: running.url,
  });
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${running.url}/_emulator${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    emulator,
    url: running.url,
    client,
    lastBody: () => client.httpClient.lastResponse?.body as unknown,
    control,
    buyNumber: async (phoneNumber, smsUrl) => {
      const number = await client.incomingPhoneNumbers.create({ phoneNumber, smsUrl });
      return number.sid;
    },
    close: () => running.close(),
  };
}
