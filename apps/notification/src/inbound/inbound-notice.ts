import { InboundSmsStoredPayload } from '@fidelis/contracts';

/** How much of a message a push shows (lock screens cut longer text anyway). */
export const PREVIEW_CHARS = 100;

/**
 * What a push carries (the dashboard's service worker shows `title` and `body` and opens `url`,
 * relative to the dashboard). Encrypted for the staff member's browser, so it may name the phone.
 */
export interface InboundPushPayload {
  type: 'sms.received';
  title: string;
  body: string;
  messageId: string;
  studentId: string | null;
  studentName: string | null;
  contactPhone: string;
  ambiguous: boolean;
  optChange: InboundSmsStoredPayload['optChange'];
  receivedAt: string;
  url: string;
}

/** Who wrote: the student's name, or the raw phone when the sender is unknown or ambiguous. */
export function senderLabel(sms: InboundSmsStoredPayload): string {
  return !sms.ambiguous && sms.studentName ? sms.studentName : sms.from;
}

/** The first words of `text`: at most `max` characters, cut at a word boundary, with `…`. */
export function preview(text: string, max = PREVIEW_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const head = chars.slice(0, max).join('');
  const space = head.lastIndexOf(' ');
  const cut = space >= max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s.,;:!?-]+$/, '')}…`;
}

function attachments(count: number): string {
  return count === 1 ? '[1 attachment]' : `[${count} attachments]`;
}

function optNote(sms: InboundSmsStoredPayload): string | null {
  switch (sms.optChange ?? null) {
    case 'opted-out':
      return `Opted out of SMS from your number ("${sms.body.trim()}").`;
    case 'opted-in':
      return `Opted back in to SMS from your number ("${sms.body.trim()}").`;
    case null:
      return null;
  }
}

/** A message that may ask to stop texting in its own words: not obeyed until staff decide. */
function flagNote(sms: InboundSmsStoredPayload): string | null {
  return sms.flags?.includes('possible-opt-out')
    ? 'This may ask to stop texting. It is not obeyed until you confirm or dismiss it in the dashboard.'
    : null;
}

/** Where the dashboard shows the conversation. */
export function conversationPath(sms: InboundSmsStoredPayload): string {
  return sms.studentId && !sms.ambiguous
    ? `/students/${encodeURIComponent(sms.studentId)}`
    : `/sms?contactPhone=${encodeURIComponent(sms.from)}`;
}

/** The push's Topic header: the message id without dashes (32 URL-safe characters, the limit). */
export function pushTopic(sms: InboundSmsStoredPayload): string {
  return sms.messageId.replace(/-/g, '');
}

export function pushPayload(sms: InboundSmsStoredPayload): InboundPushPayload {
  const text = preview(sms.body);
  return {
    type: 'sms.received',
    title: senderLabel(sms),
    body:
      optNote(sms) ??
      (flagNote(sms) ? `May ask to stop texting: ${text}` : null) ??
      (text || sms.media.length === 0 ? text : attachments(sms.media.length)),
    messageId: sms.messageId,
    studentId: sms.ambiguous ? null : sms.studentId,
    studentName: sms.ambiguous ? null : sms.studentName,
    contactPhone: sms.from,
    ambiguous: sms.ambiguous,
    optChange: sms.optChange ?? null,
    receivedAt: sms.receivedAt,
    url: conversationPath(sms),
  };
}

/** The same message by email, for a staff member with no working push subscription. */
export function inboundEmail(sms: InboundSmsStoredPayload, staff: { email: string }) {
  const who = senderLabel(sms);
  const subject =
    sms.optChange === 'opted-out'
      ? `${who} opted out of SMS from your number`
      : sms.optChange === 'opted-in'
        ? `${who} opted back in to SMS from your number`
        : `New SMS from ${who}`;
  const lines = [`${who} (${sms.from}) wrote to your number ${sms.to} at ${sms.receivedAt}:`, ''];
  lines.push(sms.body || '(no text)');
  if (sms.media.length > 0) {
    lines.push('', 'Attachments:');
    for (const item of sms.media) {
      lines.push(`- ${item.url}${item.contentType ? ` (${item.contentType})` : ''}`);
    }
  }
  const note = optNote(sms) ?? flagNote(sms);
  if (note) lines.push('', note);
  if (sms.ambiguous) {
    lines.push(
      '',
      `This phone belongs to ${sms.candidateStudentIds.length} students; ` +
        'open the conversation to say which one wrote.',
    );
  } else if (!sms.studentId) {
    lines.push('', 'This phone is not in the directory yet.');
  }
  lines.push(
    '',
    '-- ',
    `Open the conversation in the Fidelis SMS dashboard (${conversationPath(sms)}) to reply; ` +
      'answering this email does not reach the student.',
    'You got this by email because you have no working push subscription: allow notifications ' +
      'in the dashboard to get replies as they arrive.',
  );
  return { to: staff.email, subject, text: lines.join('\n') };
}
