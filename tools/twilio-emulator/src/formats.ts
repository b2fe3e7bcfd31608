/** Twilio's date format (RFC 2822, always GMT): `Thu, 30 Jul 2015 20:12:31 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** `SM` + 32 hex characters, like every Twilio SID. */
export function newSid(prefix: string): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  return prefix + hex.join('');
}

const E164 = /^\+[1-9]\d{1,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** First value of a form or query field (repeated keys arrive as arrays). */
export function field(value: unknown): string | undefined {
  if (Array.isArray(value)) return field(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable form field (MediaUrl). */
export function fields(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
