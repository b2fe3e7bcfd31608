import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { EmulatorContext } from './context';
import { authenticateError, notFoundError } from './twilio-error';

/** HTTP Basic auth with the account SID and auth token, as Twilio's REST API requires. */
export function basicAuth(ctx: EmulatorContext): RequestHandler<{ accountSid: string }> {
  return (req, res, next) => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const decoded = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString() : '';
    const separator = decoded.indexOf(':');
    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    if (
      separator < 0 ||
      !username.startsWith('AC') ||
      !safeEqual(username, ctx.accountSid) ||
      !safeEqual(password, ctx.authToken)
    ) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      throw authenticateError();
    }
    // Another account's resources do not exist for these credentials.
    if (req.params.accountSid !== ctx.accountSid)
      throw notFoundError(req.originalUrl.split('?')[0]);
    next();
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
