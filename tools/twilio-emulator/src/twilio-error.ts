import type { NextFunction, Request, Response } from 'express';

/** An error answered with Twilio's REST error body `{ code, message, more_info, status }`. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toBody(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export const authenticateError = (): TwilioApiError =>
  new TwilioApiError(401, 20003, 'Authenticate');

export const notFoundError = (path: string): TwilioApiError =>
  new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);

/** Express error handler for the REST API: Twilio errors as Twilio answers them, the rest as 500. */
export function twilioErrorHandler(
  error: unknown,
  req: Request,
  res: Response,
  // Express recognises error handlers by their four parameters.

  _next: NextFunction,
): void {
  const twilioError =
    error instanceof TwilioApiError
      ? error
      : isBodyParserError(error)
        ? new TwilioApiError(400, 20001, 'Malformed request body')
        : new TwilioApiError(500, 20500, 'Internal Server Error');
  res.status(twilioError.status).json(twilioError.toBody());
}

function isBodyParserError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}
