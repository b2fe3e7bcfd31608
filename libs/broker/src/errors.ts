/** The broker is not connected, refused the message, or did not confirm it in time. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
}

/** A failure that retrying cannot fix: the message goes to the dead-letter queue at once. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}
