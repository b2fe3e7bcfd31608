/** GSM 03.38 basic character set: one septet each. */
const GSM7_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
/** GSM 03.38 extension table: an escape plus the character, two septets each. */
const GSM7_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSize {
  encoding: SmsEncoding;
  segments: number;
}

/**
 * How a body travels and how many SMS segments it takes, as carriers count them: GSM-7 160 alone /
 * 153 when concatenated; any character outside GSM-7 (a curly quote, an emoji) makes the whole
 * body UCS-2, 70 / 67. A character never straddles two segments.
 */
export function smsSize(body: string): SmsSize {
  const chars = Array.from(body);
  const gsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  const units = gsm
    ? chars.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1))
    : chars.map((c) => c.length); // UTF-16 code units: 2 for characters outside the BMP
  const [single, concatenated] = gsm ? [160, 153] : [70, 67];
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const total = units.reduce((sum, u) => sum + u, 0);
  if (total <= single) return { encoding, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > concatenated) {
      segments += 1;
      used = 0;
    }
    used += u;
  }
  return { encoding, segments };
}

/** How many SMS segments a body takes (see `smsSize`). */
export function countSegments(body: string): number {
  return smsSize(body).segments;
}
