import { DomainError, MAX_BODY_CHARS } from '@fidelis/contracts';

/** An empty body, or one over 1,600 characters (Twilio's limit), is refused. */
export function assertSendableBody(body: string, what = 'body'): void {
  if (body.trim() === '') throw new DomainError('INVALID_INPUT', `${what} must not be empty`);
  const length = Array.from(body).length;
  if (length > MAX_BODY_CHARS) {
    throw new DomainError(
      'INVALID_INPUT',
      `${what} has ${length} characters; at most ${MAX_BODY_CHARS} can be sent`,
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);
