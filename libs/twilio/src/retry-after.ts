import twilio from 'twilio';
import type Response from 'twilio/lib/http/response';

/**
 * A Twilio error answer that says when to try again (429 with `Retry-After`, or a 503 with it):
 * the RestException twilio-node would throw, plus the wait. twilio-node drops the headers of an
 * error answer, so the request client throws this one itself.
 */
export class RetryAfterException extends twilio.RestException {
  constructor(
    response: Response<unknown>,
    readonly retryAfterMs: number,
  ) {
    super(response);
  }
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110); undefined otherwise. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? (header[0] as unknown) : header;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
