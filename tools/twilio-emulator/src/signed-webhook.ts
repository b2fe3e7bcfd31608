import { createHash } from 'node:crypto';
import { twilioSignature } from '@fidelis/twilio';
import type { HttpMethod } from './state';

export interface WebhookResult {
  status: number;
  body: string;
}

/** Twilio gives up on a webhook after 15 seconds. */
const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * Calls a webhook as Twilio does: form fields in the body for POST (in the query for GET), signed
 * with X-Twilio-Signature over the URL plus the sorted fields, and an idempotency token that
 * stays the same when the same event is delivered again.
 */
export async function sendSignedWebhook(
  authToken: string,
  url: string,
  method: HttpMethod,
  params: Record<string, string>,
  idempotencyKey: string,
): Promise<WebhookResult> {
  const form = new URLSearchParams(params);
  let target = url;
  let signedParams: Record<string, string> = params;
  if (method === 'GET') {
    const withQuery = new URL(url);
    for (const [name, value] of form) withQuery.searchParams.append(name, value);
    target = withQuery.toString();
    signedParams = {}; // a GET is signed over the full URL only
  }
  const response = await fetch(target, {
    method,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'User-Agent': 'TwilioProxy/1.1',
      'X-Twilio-Signature': twilioSignature(authToken, target, signedParams),
      'I-Twilio-Idempotency-Token': createHash('sha256').update(idempotencyKey).digest('hex'),
    },
    body: method === 'POST' ? form.toString() : undefined,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}
