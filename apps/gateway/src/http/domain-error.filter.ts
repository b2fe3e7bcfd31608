import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode } from '@fidelis/contracts';

export function httpStatusOf(code: ErrorCode): HttpStatus {
  switch (code) {
    case 'INVALID_INPUT':
      return HttpStatus.BAD_REQUEST;
    case 'STAFF_NOT_FOUND':
    case 'STUDENT_NOT_FOUND':
    case 'NUMBER_NOT_FOUND':
    case 'MESSAGE_NOT_FOUND':
    case 'BULK_NOT_FOUND':
    case 'PUSH_SUBSCRIPTION_NOT_FOUND':
      return HttpStatus.NOT_FOUND;
    case 'STAFF_HAS_NUMBER':
    case 'NUMBER_NOT_AVAILABLE':
    case 'NUMBER_RELEASED':
    case 'SENDER_HAS_NO_NUMBER':
    case 'MESSAGE_NOT_AMBIGUOUS':
    case 'MESSAGE_ALREADY_SENT':
    case 'MESSAGE_NOT_FLAGGED':
      return HttpStatus.CONFLICT;
    case 'FORBIDDEN':
      return HttpStatus.FORBIDDEN;
    case 'TWILIO_REJECTED':
    case 'TWILIO_UNREACHABLE':
      return HttpStatus.BAD_GATEWAY;
    case 'SERVICE_UNAVAILABLE':
      return HttpStatus.SERVICE_UNAVAILABLE;
    case 'INTERNAL':
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** A service's refusal as the contract's error body, plus its stable `code` and `details`. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const status = httpStatusOf(error.code);
    const reason = HttpStatus[status]
      .toLowerCase()
      .split('_')
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join(' ');
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({
        statusCode: status,
        error: reason,
        message: error.message,
        code: error.code,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
  }
}
