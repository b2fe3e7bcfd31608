import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses a request body of any other media type with 415 before anything reads it: the REST API
 * speaks JSON (and the roster import CSV) and Twilio posts forms, so nothing else has a parser or
 * a meaning here.
 */
export function acceptOnly(...mediaTypes: string[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    // `is` answers false for a body of another type (and for an empty one that has a length).
    const empty = request.headers['content-length'] === '0';
    if (!empty && request.is(mediaTypes) === false) {
      response.status(415).json({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `send ${mediaTypes.join(' or ')}`,
      });
      return;
    }
    next();
  };
}
