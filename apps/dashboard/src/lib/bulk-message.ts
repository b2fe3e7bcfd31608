import type { StudentView } from '@fidelis/contracts';
import { personalize, smsSize } from '@fidelis/sms';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * What a pasted line asks for: a student by email, by SMS phone (E.164), or by id. A line that
 * reads like a phone may still be an id (some schools number their students), so it is tried
 * as an id first.
 */
export type PastedLine =
  | { line: string; kind: 'email'; email: string }
  | { line: string; kind: 'phone-or-id'; phone: string }
  | { line: string; kind: 'id' };

/** Digits and phone punctuation only, with enough digits to be a phone number. */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const MIN_PHONE_DIGITS = 7;

/**
 * The lines of a pasted list — one per line or separated by commas or semicolons, as copied from
 * a spreadsheet column or an email — trimmed, without blanks or repeats, in their order.
 */
export function pastedLines(text: string): PastedLine[] {
  const seen = new Set<string>();
  const lines: PastedLine[] = [];
  for (const raw of text.split(/[\n,;\t]+/)) {
    const line = raw.trim();
    if (!line || seen.has(line.toLowerCase())) continue;
    seen.add(line.toLowerCase());
    lines.push(readLine(line));
  }
  return lines;
}

function readLine(line: string): PastedLine {
  if (line.includes('@')) return { line, kind: 'email', email: line.toLowerCase() };
  if (PHONE_LIKE.test(line) && line.replace(/\D/g, '').length >= MIN_PHONE_DIGITS) {
    const phone = parsePhoneNumberFromString(line, 'US');
    if (phone?.isPossible()) return { line, kind: 'phone-or-id', phone: phone.number };
  }
  return { line, kind: 'id' };
}

/** Whether a student found by searching for the line is the one the line names, exactly. */
export function matchesLine(student: StudentView, line: PastedLine): boolean {
  switch (line.kind) {
    case 'email':
      return student.email?.toLowerCase() === line.email;
    case 'phone-or-id':
      return student.smsPhone === line.phone || student.id === line.line;
    case 'id':
      return student.id === line.line;
  }
}

export interface Preview {
  student: StudentView;
  text: string;
}

/** The text the first few recipients will get, filled in for each of them. */
export function previews(body: string, recipients: StudentView[], count = 3): Preview[] {
  return recipients
    .slice(0, count)
    .map((student) => ({ student, text: personalize(body, student.name) }));
}

export interface BulkCost {
  /** Recipients with an SMS phone: each gets a text (unless they opted out of my number). */
  texted: number;
  /** Recipients without an SMS phone: they get an email instead. */
  emailed: number;
  /** The fewest and most segments one personalised text takes (names differ in length). */
  minSegments: number;
  maxSegments: number;
  /** Every segment of every text: what the carriers bill. */
  messages: number;
  encoding: 'GSM-7' | 'UCS-2';
}

/** What the bulk costs: each recipient's own text counted as carriers count it. */
export function bulkCost(body: string, recipients: StudentView[]): BulkCost {
  const texted = recipients.filter((student) => student.smsPhone);
  const sizes = texted.map((student) => smsSize(personalize(body, student.name)));
  const segments = sizes.map((size) => size.segments);
  return {
    texted: texted.length,
    emailed: recipients.length - texted.length,
    minSegments: segments.length > 0 ? Math.min(...segments) : smsSize(body).segments,
    maxSegments: segments.length > 0 ? Math.max(...segments) : smsSize(body).segments,
    messages: segments.reduce((sum, n) => sum + n, 0),
    encoding: sizes.some((size) => size.encoding === 'UCS-2') ? 'UCS-2' : smsSize(body).encoding,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 recipients × 2 segments = 6 messages", with a range when names make texts differ. */
export function costWords(cost: BulkCost): string {
  const segments =
    cost.minSegments === cost.maxSegments
      ? plural(cost.maxSegments, 'segment', 'segments')
      : `${cost.minSegments}–${cost.maxSegments} segments`;
  return `${plural(cost.texted, 'recipient', 'recipients')} × ${segments} = ${plural(cost.messages, 'message', 'messages')}`;
}
