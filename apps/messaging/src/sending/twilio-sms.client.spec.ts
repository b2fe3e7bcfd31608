import twilio from 'twilio';
import Response from 'twilio/lib/http/response';
import { RetryAfterException } from '@fidelis/twilio';
import { outcomeOf } from './twilio-sms.client';

/** The error twilio-node throws for a Twilio error answer. */
const answer = (status: number, code: number, message = 'x') =>
  new twilio.RestException(
    new Response(status, JSON.stringify({ code, message, more_info: '', status }), {}),
  );

describe('outcomeOf: what a failed create means for the sender', () => {
  it.each([
    [400, 21211],
    [400, 21408],
    [400, 21610],
    [400, 21612],
    [400, 21614],
    [400, 30007],
  ])('%d %d refuses the message itself: final', (status, code) => {
    expect(outcomeOf(answer(status, code))).toMatchObject({ kind: 'refused', code: String(code) });
  });

  it.each([
    [401, 20003],
    [403, 20003],
    [404, 20404],
    [429, 20429],
    [400, 20001],
    [400, 30001],
    [400, 30002],
  ])('%d %d is an outage: Twilio created nothing, try again later', (status, code) => {
    expect(outcomeOf(answer(status, code))).toMatchObject({ kind: 'outage' });
  });

  it.each([500, 502, 503, 504])('%d leaves it unknown: Twilio may have created it', (status) => {
    expect(outcomeOf(answer(status, 20500))).toMatchObject({ kind: 'unknown' });
  });

  it('keeps the wait of a Retry-After', () => {
    const response = new Response(429, JSON.stringify({ code: 20429, message: 'Too Many' }), {});
    expect(outcomeOf(new RetryAfterException(response, 5_000))).toEqual({
      kind: 'outage',
      reason: 'Twilio answered 429 (20429 Too Many)',
      retryAfterMs: 5_000,
    });
  });

  it('masks a phone number quoted in the reason it gives for the logs', () => {
    expect(outcomeOf(answer(403, 20003, 'No access to +14155550123'))).toMatchObject({
      reason: 'Twilio answered 403 (20003 No access to +1415***0123)',
    });
  });

  it('tells a refused connection (nothing sent) from a reset or timeout (maybe sent)', () => {
    const network = (code: string) => Object.assign(new Error(`${code} failure`), { code });
    expect(outcomeOf(network('ECONNREFUSED'))).toMatchObject({ kind: 'outage' });
    expect(outcomeOf(network('ECONNRESET'))).toMatchObject({ kind: 'unknown' });
    expect(outcomeOf(network('ECONNABORTED'))).toMatchObject({ kind: 'unknown' });
  });
});
