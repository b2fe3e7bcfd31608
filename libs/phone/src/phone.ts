import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneParse = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * Reads a phone number as people write it (`(415) 555-0101`, `+44 20 7946 0958`) and gives its
 * E.164 form. Numbers without `+` are read in `defaultCountry`. Only numbers that can receive an
 * SMS are accepted: mobile, fixed-line or either (many US numbers cannot be told apart).
 */
export function parsePhone(input: string, defaultCountry: string): PhoneParse {
  const country = isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  const phone = parsePhoneNumberFromString(input.trim(), country);
  if (!phone) return { ok: false, reason: 'is not a phone number' };
  if (!phone.isValid()) return { ok: false, reason: 'is not a valid phone number' };
  const type = phone.getType();
  if (type !== undefined && !['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE'].includes(type)) {
    return {
      ok: false,
      reason: `is a ${type.toLowerCase().replace(/_/g, ' ')} number, not a mobile or fixed-line one`,
    };
  }
  return { ok: true, e164: phone.number };
}
