import twilio from 'twilio';

/** Form parameters as Twilio signs them; repeated keys (MediaUrl) as arrays. */
export type TwilioParams = Record<string, string | string[]>;

/** The X-Twilio-Signature Twilio sends for `url` and form `params` (HMAC-SHA1 with the auth token). */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** Whether `signature` is what Twilio would send for this URL (the public one) and these params. */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: TwilioParams,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}
