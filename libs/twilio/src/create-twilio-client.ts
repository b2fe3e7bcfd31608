import twilio from 'twilio';
import { BaseUrlRequestClient } from './base-url-request-client';

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Where the Twilio REST API lives, e.g. the emulator's URL; real Twilio when absent. */
  apiBaseUrl?: string;
  /** Request timeout in milliseconds (twilio-node's default is 30 s). */
  timeoutMs?: number;
}

/** The one place that knows where Twilio is: everything else takes the client this returns. */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const httpClient = new BaseUrlRequestClient(options.apiBaseUrl, { timeout: options.timeoutMs });
  return new twilio.Twilio(options.accountSid, options.authToken, { httpClient });
}
