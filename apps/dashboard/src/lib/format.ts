import type { MessageView } from '@fidelis/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * North American numbers in national format, `(415) 555-0101`; others in international format.
 * By calling code, not country: a number the metadata cannot place (555-4030) is still +1.
 */
export function formatPhone(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) return e164;
  return phone.countryCallingCode === '1' ? phone.formatNational() : phone.formatInternational();
}

const DAY_MS = 86_400_000;

/** "10:42" today, "Yesterday", "Mon" this week, then "3 Nov" — in the viewer's time zone. */
export function formatWhen(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  if (at.getTime() >= startOfToday) {
    return at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }
  if (at.getTime() >= startOfToday - DAY_MS) return 'Yesterday';
  if (at.getTime() >= startOfToday - 6 * DAY_MS) {
    return at.toLocaleDateString(undefined, { weekday: 'short' });
  }
  return at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export const STATUS_WORDS: Record<MessageView['status'], string> = {
  queued: 'Queued',
  accepted: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  undelivered: 'Not delivered',
  failed: 'Failed',
  received: 'Received',
  unroutable: 'Not routed to anyone',
  undeliverable: 'No SMS phone',
  scheduled: 'Scheduled',
  canceled: 'Canceled',
};

/** The message's state in plain words, with the email that carried it when SMS could not. */
export function statusWords(message: MessageView): string {
  const status = STATUS_WORDS[message.status];
  const fallback = message.fallback;
  if (!fallback) return status;
  switch (fallback.status) {
    case 'sent':
      return `${status} — emailed instead to ${fallback.to}`;
    case 'pending':
      return `${status} — emailing ${fallback.to}`;
    case 'failed':
      return `${status} — the email to ${fallback.to} failed too`;
  }
}
