import { Controller, Get, Req, Res } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  EventEnvelope,
  InboundSmsStored,
  InboundSmsStoredPayload,
  SmsStatusChanged,
  SmsStatusChangedPayload,
} from '@fidelis/contracts';
import { OnLiveEvent } from '@fidelis/runtime';
import { Caller, CurrentCaller } from '../auth/auth.decorators';
import { smsReceived, smsStatus } from './dashboard-events';
import { LiveEvents } from './live-events.service';

const EXAMPLE = [
  'id: 6f1c2a4e-8d3b-4f7a-9c1e-2b5d7a9f0e13',
  'event: sms.received',
  'data: {"id":"…","direction":"inbound","studentId":"s-1","staffId":"c-1","from":"+14155550123",' +
    '"to":"+14155231234","body":"hello","media":[],"status":"received","twilioSid":"SM…",' +
    '"errorCode":null,"fallback":null,"createdAt":"…","studentName":"Ada","ambiguous":false,' +
    '"candidateStudentIds":[],"optChange":null,"flags":[]}',
  '',
  ': heartbeat',
  '',
].join('\n');

/** The dashboard's live feed (server-sent events). */
@ApiTags('Events')
@ApiBearerAuth()
@Controller('api/events')
export class EventsController {
  constructor(private readonly live: LiveEvents) {}

  @Get()
  @ApiOperation({
    summary: 'Live events for the caller (text/event-stream, any staff member)',
    description:
      '`sms.received`: an inbound message on the caller’s number — admins and managers get every ' +
      'message — in the message shape plus `studentName`, `ambiguous`, `candidateStudentIds`, ' +
      '`optChange`, `flags` (`possible-opt-out`). `sms.status`: a message’s status or email fallback changed (SmsStatusChanged), ' +
      'for its staff member, admins and managers. Each event’s `id` is unique (the same id twice ' +
      'is the same event); a comment line every 15 s keeps the stream open. Events missed while ' +
      'disconnected are not replayed: reload the views on reconnect.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'access_token',
    type: String,
    required: false,
    description: 'the bearer token, for clients such as EventSource that cannot send headers',
  })
  @ApiOkResponse({
    description: 'an endless stream of events',
    content: { 'text/event-stream': { schema: { type: 'string', example: EXAMPLE } } },
  })
  @ApiUnauthorizedResponse({ description: 'no token, or an invalid one' })
  stream(@CurrentCaller() caller: Caller, @Req() request: Request, @Res() response: Response) {
    this.live.open(caller, request, response);
  }

  @OnLiveEvent(InboundSmsStored)
  inboundSmsStored(@Payload() event: EventEnvelope<InboundSmsStoredPayload>): void {
    this.live.send(smsReceived(event));
  }

  @OnLiveEvent(SmsStatusChanged)
  smsStatusChanged(@Payload() event: EventEnvelope<SmsStatusChangedPayload>): void {
    this.live.send(smsStatus(event));
  }
}
