import { Public } from '../auth/auth.decorators';
import {
  BadRequestException,
  Body,
  Controller,
  Header,
  HttpCode,
  Post,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  EventDefinition,
  EventEnvelope,
  InvalidEventError,
  SmsReceived,
  SmsStatusReported,
} from '@fidelis/contracts';
import { logger, maskPhone, runWithCorrelation } from '@fidelis/logging';
import { AcceptWebhookUseCase } from './accept-webhook.use-case';
import { smsReceivedFromForm, statusReportedFromForm, TwilioForm } from './twilio-forms';
import { TwilioSignatureGuard } from './twilio-signature.guard';

/** Twilio's empty TwiML answer: "received, nothing to reply". */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

@ApiTags('Twilio webhooks')
@Public()
@Controller('webhooks/twilio')
@UseGuards(TwilioSignatureGuard)
export class TwilioWebhooksController {
  private readonly log = logger(TwilioWebhooksController.name);

  constructor(private readonly acceptWebhook: AcceptWebhookUseCase) {}

  @Post('sms')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: 'Inbound SMS/MMS from Twilio (signed with X-Twilio-Signature)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiResponse({ status: 200, description: 'Stored durably; `<Response/>`' })
  @ApiResponse({ status: 403, description: 'Missing or invalid signature; nothing stored' })
  @ApiResponse({ status: 503, description: 'Could not be stored durably; Twilio should retry' })
  async receiveSms(@Body() form: TwilioForm): Promise<string> {
    const event = this.parse(() => smsReceivedFromForm(form));
    const isNew = await this.accept('sms', SmsReceived, event);
    this.log.info(
      { messageSid: event.payload.messageSid, from: maskPhone(event.payload.from), isNew },
      'inbound SMS accepted',
    );
    return EMPTY_TWIML;
  }

  @Post('status')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: 'Delivery status callback from Twilio (signed)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiResponse({ status: 200, description: 'Stored durably; `<Response/>`' })
  @ApiResponse({ status: 403, description: 'Missing or invalid signature; nothing stored' })
  @ApiResponse({ status: 503, description: 'Could not be stored durably; Twilio should retry' })
  async receiveStatus(@Body() form: TwilioForm): Promise<string> {
    const event = this.parse(() => statusReportedFromForm(form));
    await this.accept(`status:${event.payload.status}`, SmsStatusReported, event);
    return EMPTY_TWIML;
  }

  private parse<P extends object>(build: () => EventEnvelope<P>): EventEnvelope<P> {
    try {
      return build();
    } catch (error) {
      if (error instanceof InvalidEventError) throw new BadRequestException(error.problems);
      throw error;
    }
  }

  private async accept<P extends { messageSid: string }>(
    kind: string,
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<boolean> {
    return runWithCorrelation(
      { correlationId: event.correlationId, eventId: event.eventId },
      async () => {
        try {
          return await this.acceptWebhook.execute(
            { messageSid: event.payload.messageSid, kind },
            definition,
            event,
          );
        } catch (error) {
          // Not durable, so not 200: Twilio retries or uses its fallback URL.
          this.log.error(
            { err: String(error), messageSid: event.payload.messageSid },
            'webhook not stored',
          );
          throw new ServiceUnavailableException('the message could not be stored; retry later');
        }
      },
    );
  }
}
