/** The broker is not connected, refused the message, or did not confirm it in time. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
}

/** A failure that retrying cannot fix: the message goes to the dead-letter queue at once. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/**
 * Something outside is down (an SMTP server): the message is retried with the longest retry delay
 * for as long as the outage lasts, never dead-lettered — what it carries must not be lost.
 */
export class OutageError extends Error {
  override readonly name = 'OutageError';
}
