import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { isValidTwilioSignature, TwilioParams } from '@fidelis/twilio';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Lets through only requests Twilio signed: the signature covers the public URL (as Twilio
 * called it, PUBLIC_BASE_URL + path + query) and every form field.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const signature = request.header('x-twilio-signature');
    const url = `${this.config.PUBLIC_BASE_URL}${request.originalUrl}`;
    const params = (
      request.is('application/x-www-form-urlencoded') ? request.body : {}
    ) as TwilioParams;
    if (!isValidTwilioSignature(this.config.TWILIO_AUTH_TOKEN, signature, url, params)) {
      throw new ForbiddenException('missing or invalid X-Twilio-Signature');
    }
    return true;
  }
}
