import type { OptChange } from '@fidelis/contracts';

/**
 * Opt-out keywords of the FCC's 2025 consent-revocation rule (47 CFR 64.1200(a)(10)), Twilio's
 * defaults among them: a body of just one of these ends SMS from that number. `OPT OUT` is
 * written with a space as often as without; both normalise to `OPTOUT`.
 */
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
 * The body as one keyword: compatibility forms folded (full-width letters), anything but letters
 * and digits cut from both ends ("Stop!", "'STOP'", "stop 🛑"), and spaces, hyphens or
 * underscores between words dropped ("OPT OUT", "opt-out").
 */
function keywordOf(body: string): string {
  return body
    .normalize('NFKC')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/[\s\-_]+/g, '')
    .toUpperCase();
}

/**
 * What an inbound body does to the student's SMS status for our number: an opt-out or opt-in
 * keyword, as the whole body (surrounding spaces and punctuation aside), in any case.
 */
export function optChangeOf(body: string): OptChange | null {
  const word = keywordOf(body);
  if (OPT_OUT_KEYWORDS.has(word)) return 'opted-out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opted-in';
  return null;
}

/** A flag on an inbound message that staff should look at; it puts it in Needs attention. */
export const POSSIBLE_OPT_OUT = 'possible-opt-out';

const TEXTING = String.raw`(?:texting|txting|messaging|msging|contacting|sending\s+(?:me\s+|us\s+)?(?:texts|txts|messages|msgs|these|this))`;
const TEXT = String.raw`(?:text|txt|message|msg|contact)`;
/** "… of the field trip", "… from the newsletter": about something else than our texts. */
const ABOUT_SOMETHING_ELSE = String.raw`(?!\s+(?:of|from)\s+(?!(?:these\s+|the\s+|your\s+|this\s+|all\s+)?(?:texts|txts|messages|msgs|sms|texting|messaging|text\s+messages|this\s+number|your\s+list|this\s+list)\b))`;
const ME = String.raw`(?:me|us|my\s+(?:phone|number|son|daughter|child|kid))`;
/** Not the speaker stopping themselves: "I'll stop texting", "I can't stop texting". */
const NOT_MYSELF = String.raw`(?<!\b(?:i'll|i|we'll|we|will|can't|cant|cannot|couldn't|won't)\s)`;

/**
 * Ways of asking to stop that are not a keyword. Each needs the asking part ("stop texting me",
 * "don't text me", "take me off"), not a word alone, so that "I can't stop laughing", "the bus
 * stop", "why don't you text me back?" or "I'll stop texting you" never match. A match is not
 * obeyed: it flags the message for staff to confirm or dismiss.
 */
const POSSIBLE_OPT_OUT_PATTERNS: readonly RegExp[] = [
  // "please stop texting me", "stop sending me messages", "stop contacting my son"
  new RegExp(String.raw`${NOT_MYSELF}\bstop\s+${TEXTING}\s+${ME}\b`),
  // "stop texting!", "pls stop messaging" — the request ends the sentence or the body
  new RegExp(String.raw`${NOT_MYSELF}\bstop\s+${TEXTING}\s*(?:please|pls|plz)?\s*(?:[.!?]|$)`),
  // "Stop please", "STOP IT NOW", "please stop!!" — stop and nothing but politeness
  /^(?:please\s+|pls\s+|plz\s+)?stop(?:\s+(?:please|pls|plz|it|now|all|already|asap))*$/,
  // "don't text me anymore", "do not message us", "never text me again"
  new RegExp(String.raw`\b(?:do\s*n[o']?t|never)\s+${TEXT}\s+${ME}\b`),
  // "no more texts", "no more messages please"
  /\bno\s+more\s+(?:texts|txts|messages|msgs|sms)\b/,
  // "I don't want these texts", "I do not want any more messages"
  /\b(?:do\s*n[o']?t|no\s+longer)\s+want\s+(?:any\s*more\s+|these\s+|your\s+|the\s+|to\s+(?:get|receive)\s+)?(?:\w+\s+)?(?:texts|txts|messages|msgs|sms)\b/,
  // "unsubscribe me", "how do I unsubscribe", "I want to opt out", "opt me out"
  new RegExp(String.raw`\bunsubscribe\b${ABOUT_SOMETHING_ELSE}`),
  new RegExp(String.raw`\bopt(?:\s+|-)?out\b${ABOUT_SOMETHING_ELSE}`),
  /\bopt\s+me\s+out\b/,
  // "take me off this list", "get me off this", "remove me", "remove my number" — not "take me
  // off the waitlist" or "remove me from the group project"
  /\b(?:take|get)\s+(?:me|my\s+(?:number|phone))\s+off(?:\s+(?:of\s+)?(?:this|the|your|ur|that|these)\s+(?:\w+\s+)?(?:list|texts|txts|messages|msgs)\b|(?:\s+this)?\s*(?:please|pls|plz)?\s*(?:[.!?,]|$))/,
  new RegExp(String.raw`\bremove\s+(?:me|my\s+(?:number|phone))\b${ABOUT_SOMETHING_ELSE}`),
  // "leave me alone", "lose my number", "delete my number"
  /\bleave\s+(?:me|us)\s+alone\b/,
  /\b(?:lose|delete|forget)\s+my\s+(?:number|phone\s+number)\b/,
];

/**
 * Whether an inbound body asks, in words other than a keyword, to stop getting texts. The body is
 * compared in lower case, curly apostrophes straightened and spaces collapsed.
 */
export function isPossibleOptOut(body: string): boolean {
  if (optChangeOf(body) !== null) return false; // a keyword is obeyed, not flagged
  const text = body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const bare = text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  return POSSIBLE_OPT_OUT_PATTERNS.some((pattern) => pattern.test(text) || pattern.test(bare));
}

/** The flags an inbound message gets when it is stored. */
export function flagsOf(body: string): string[] {
  return isPossibleOptOut(body) ? [POSSIBLE_OPT_OUT] : [];
}
