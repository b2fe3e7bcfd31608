import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Where a US area code is, for the location fields of available numbers. */
interface AreaInfo {
  locality: string;
  region: string;
  postalCode: string;
  rateCenter: string;
  lata: string;
  latitude: number;
  longitude: number;
}

const AREAS: Record<string, AreaInfo> = {
  '415': {
    locality: 'San Francisco',
    region: 'CA',
    postalCode: '94103',
    rateCenter: 'SNFC CNTRL',
    lata: '722',
    latitude: 37.7749,
    longitude: -122.4194,
  },
  '628': {
    locality: 'San Francisco',
    region: 'CA',
    postalCode: '94107',
    rateCenter: 'SNFC CNTRL',
    lata: '722',
    latitude: 37.7749,
    longitude: -122.4194,
  },
  '212': {
    locality: 'New York',
    region: 'NY',
    postalCode: '10001',
    rateCenter: 'NWYRCYZN01',
    lata: '132',
    latitude: 40.7128,
    longitude: -74.006,
  },
  '617': {
    locality: 'Boston',
    region: 'MA',
    postalCode: '02108',
    rateCenter: 'BOSTON',
    lata: '128',
    latitude: 42.3601,
    longitude: -71.0589,
  },
  '312': {
    locality: 'Chicago',
    region: 'IL',
    postalCode: '60601',
    rateCenter: 'CHICAGO',
    lata: '358',
    latitude: 41.8781,
    longitude: -87.6298,
  },
  '206': {
    locality: 'Seattle',
    region: 'WA',
    postalCode: '98101',
    rateCenter: 'SEATTLE',
    lata: '674',
    latitude: 47.6062,
    longitude: -122.3321,
  },
  '512': {
    locality: 'Austin',
    region: 'TX',
    postalCode: '78701',
    rateCenter: 'AUSTIN',
    lata: '558',
    latitude: 30.2672,
    longitude: -97.7431,
  },
};

/** Realistic central-office codes (no 555, no N11), tried in this order. */
const EXCHANGES = ['523', '634', '729', '847', '962', '238', '319', '486'];
const DEFAULT_AREA_CODE = '415';
const KEYPAD: Record<string, string> = {
  a: '2',
  b: '2',
  c: '2',
  d: '3',
  e: '3',
  f: '3',
  g: '4',
  h: '4',
  i: '4',
  j: '5',
  k: '5',
  l: '5',
  m: '6',
  n: '6',
  o: '6',
  p: '7',
  q: '7',
  r: '7',
  s: '7',
  t: '8',
  u: '8',
  v: '8',
  w: '9',
  x: '9',
  y: '9',
  z: '9',
};

export interface AvailableNumber {
  phoneNumber: string;
  areaCode: string;
}

/**
 * Deterministic US local numbers for an area code, valid per libphonenumber, skipping those for
 * which `isTaken` says yes. Line numbers walk a fixed permutation of 0000–9999 so they look
 * random but are the same on every call.
 */
export function searchAvailableNumbers(options: {
  areaCode?: string;
  contains?: string;
  limit: number;
  isTaken: (phoneNumber: string) => boolean;
}): AvailableNumber[] {
  const areaCode = options.areaCode ?? DEFAULT_AREA_CODE;
  if (!/^[2-9]\d{2}$/.test(areaCode)) return [];
  const pattern = options.contains ? containsPattern(options.contains) : undefined;
  const found: AvailableNumber[] = [];
  for (const exchange of EXCHANGES) {
    if (!isValidPhoneNumber(`+1${areaCode}${exchange}0100`)) continue; // not a real exchange here
    for (let i = 0; i < 10_000 && found.length < options.limit; i += 1) {
      const line = String((1234 + i * 7919) % 10_000).padStart(4, '0');
      const phoneNumber = `+1${areaCode}${exchange}${line}`;
      if (pattern && !pattern.test(phoneNumber.slice(1))) continue;
      if (options.isTaken(phoneNumber) || !isValidPhoneNumber(phoneNumber)) continue;
      found.push({ phoneNumber, areaCode });
    }
  }
  return found;
}

/** The first available number in an area code (buying by AreaCode). */
export function firstAvailableNumber(
  areaCode: string,
  isTaken: (phoneNumber: string) => boolean,
): string | undefined {
  return searchAvailableNumbers({ areaCode, limit: 1, isTaken })[0]?.phoneNumber;
}

/** Twilio's Contains: digits, letters as on a keypad, `*` for any one digit, anywhere in the number. */
function containsPattern(contains: string): RegExp {
  const source = Array.from(contains.toLowerCase())
    .map((c) => (c === '*' ? '\\d' : (KEYPAD[c] ?? (/\d/.test(c) ? c : ''))))
    .join('');
  return new RegExp(source);
}

/** `(415) 523-0101` */
export function friendlyName(phoneNumber: string): string {
  return parsePhoneNumberFromString(phoneNumber)?.formatNational() ?? phoneNumber;
}

/** The resource as schema `…available_phone_number_local` describes it. */
export function toAvailableNumberResource(number: AvailableNumber): Record<string, unknown> {
  const area = AREAS[number.areaCode];
  return {
    address_requirements: 'none',
    beta: false,
    capabilities: { mms: true, sms: true, voice: true, fax: false },
    friendly_name: friendlyName(number.phoneNumber),
    iso_country: 'US',
    lata: area?.lata ?? null,
    latitude: area?.latitude ?? null,
    locality: area?.locality ?? null,
    longitude: area?.longitude ?? null,
    phone_number: number.phoneNumber,
    postal_code: area?.postalCode ?? null,
    rate_center: area?.rateCenter ?? null,
    region: area?.region ?? null,
  };
}
