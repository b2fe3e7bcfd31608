/**
 * Every refusal a service can answer with, by stable code. The gateway maps each code to one
 * HTTP status (apps/gateway/src/http/domain-error.filter.ts); the switch there is exhaustive.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'STAFF_NOT_FOUND',
  'STUDENT_NOT_FOUND',
  'NUMBER_NOT_FOUND',
  'STAFF_HAS_NUMBER',
  'NUMBER_NOT_AVAILABLE',
  'NUMBER_RELEASED',
  'SENDER_HAS_NO_NUMBER',
  'MESSAGE_NOT_FOUND',
  'MESSAGE_NOT_AMBIGUOUS',
  'MESSAGE_ALREADY_SENT',
  'MESSAGE_NOT_FLAGGED',
  'FORBIDDEN',
  'BULK_NOT_FOUND',
  'PUSH_SUBSCRIPTION_NOT_FOUND',
  'TWILIO_REJECTED',
  'TWILIO_UNREACHABLE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refusal with a stable code, carried unchanged from the service that decided it to the gateway. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
