/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes that say the server could not do the work at all, whatever the statement:
 * 08 connection exception, 53 insufficient resources, 57 operator intervention (shutting down,
 * starting up), 58 system error.
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);

/** node-postgres's own errors for a pool or connection that cannot be used; they carry no code. */
const POOL_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable/;

/**
 * Whether `error` says the database could not be reached (down, restarting, out of connections)
 * rather than that the statement or its data was wrong: the same work would fail the same way
 * for any input until the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: errors from Node's own modules may come from another realm.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  }
  return typeof message === 'string' && POOL_MESSAGES.test(message);
}
