import { maskPhone } from './mask';

/**
 * Fields that hold message text (or the values of a query, which include it) wherever they
 * appear: `body` at any depth (`payload.sms.body` too), a failed query's `parameters` (TypeORM's
 * QueryFailedError carries them) and Postgres's `detail` ("Failing row contains (…)").
 */
const SECRET_KEYS = new Set(['body', 'parameters', 'detail']);
/** An E.164 number (`+` and 8–15 digits): what a phone looks like in our messages and errors. */
const E164 = /\+[1-9]\d{7,14}/g;
const MAX_DEPTH = 8;

/** Masks every phone number in a string, as `maskPhone` does a field (`+1415***0101`). */
export function maskPhonesIn(text: string): string {
  return text.includes('+') ? text.replace(E164, (phone) => maskPhone(phone)) : text;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of an error with its fields scrubbed, of the same class, so that pino's serializer still
 * names its type; own enumerable fields (a code, a status, a query's parameters) come along.
 */
function scrubError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...error, message: error.message, stack: error.stack };
  if (error.cause !== undefined) fields.cause = error.cause;
  for (const [key, field] of Object.entries(fields)) {
    copy[key] = scrubField(key, field, depth, seen);
  }
  return copy as unknown as Error;
}

function scrubField(key: string, field: unknown, depth: number, seen: WeakSet<object>): unknown {
  return SECRET_KEYS.has(key) && field !== null && field !== undefined
    ? '[redacted]'
    : scrubValue(field, depth + 1, seen);
}

function scrubValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[…]';
  if (!Array.isArray(value) && !(value instanceof Error) && !isPlain(value)) {
    // A request, a response, a Date: left to pino's serializers (`req` and `res` keep only the
    // method, the path and the status), rather than walked through sockets and servers.
    return value;
  }
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
  if (value instanceof Error) return scrubError(value, depth, seen);
  const scrubbed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    scrubbed[key] = scrubField(key, field, depth, seen);
  }
  return scrubbed;
}

/**
 * A log entry's fields with message text redacted at any depth and every phone number masked,
 * also inside error messages and stacks (Twilio's "Invalid 'To' Phone Number: +1…"). The last
 * line of defence: code should still log ids and `maskPhone(…)`, never the texts themselves.
 */
export function scrubLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return scrubValue(fields, 0, new WeakSet()) as Record<string, unknown>;
}
