import { OutageError, PermanentError } from '@fidelis/broker';
import { MailNotSentError } from '@fidelis/mail';

/**
 * What the broker should do with an event whose mail did not go: a final refusal of the address
 * (5xx) cannot be helped by retrying and is dead-lettered; an unreachable or deferring mail server
 * is retried for as long as that lasts, so the mail is never dropped.
 */
export function mailFailure(kind: MailNotSentError['kind'], reason: string): Error {
  return kind === 'refused' ? new PermanentError(reason) : new OutageError(reason);
}
