import type { OptChange } from '@fidelis/contracts';

const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
]);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);

/**
 * What an inbound body does to the student's SMS status for our number: Twilio's opt-out and
 * opt-in keywords, as the whole body (surrounding spaces and punctuation aside), in any case.
 */
export function optChangeOf(body: string): OptChange | null {
  const word = body
    .trim()
    .replace(/^[\s.!?]+|[\s.!?]+$/g, '')
    .toUpperCase();
  if (OPT_OUT.has(word)) return 'opted-out';
  if (OPT_IN.has(word)) return 'opted-in';
  return null;
}
