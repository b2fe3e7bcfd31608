import type { OptChange } from '@fidelis/contracts';

/** Twilio's default opt-out keywords: a body of just one of these ends SMS from that number. */
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
]);
/** Twilio's opt-in keywords: they undo an opt-out. */
export const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(['START', 'YES', 'UNSTOP']);

/**
 * What an inbound body does to the student's SMS status for our number: Twilio's opt-out and
 * opt-in keywords, as the whole body (surrounding spaces and punctuation aside), in any case.
 */
export function optChangeOf(body: string): OptChange | null {
  const word = body
    .trim()
    .replace(/^[\s.!?]+|[\s.!?]+$/g, '')
    .toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return 'opted-out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opted-in';
  return null;
}
