import { twilioSignature } from '@fidelis/twilio';
import type { TestSystem } from './system';

/**
 * Posts a form to the gateway as Twilio does: urlencoded, with an X-Twilio-Signature over the
 * gateway's public URL and every field (signed with `token` instead when given, to forge one).
 */
export function postSignedForm(
  system: Pick<TestSystem, 'url' | 'env'>,
  path: string,
  params: Record<string, string>,
  options: { token?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const url = `${system.url}${path}`;
  const token = options.token ?? system.env.TWILIO_AUTH_TOKEN ?? '';
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature(token, url, params),
    },
    body: new URLSearchParams(params),
    signal: options.signal,
  });
}
