import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import {
  AttributeMessage,
  BulkProgressView,
  BulkView,
  CancelMessage,
  DecideOptOut,
  GetBulkProgress,
  GetBulkUndelivered,
  GetMessage,
  MANAGER_ROLES,
  MAX_BULK_RECIPIENTS,
  MessageView,
  OPT_OUT_DECISIONS,
  OptOutDecision,
  ScheduledMessages,
  ScheduledMessageView,
  SendBulk,
  SendMessage,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';

/** A 10,000-recipient bulk is written in well under this. */
const BULK_REQUEST_TIMEOUT_MS = 30_000;

/** A send asks the directory first (read-your-writes); without its answer a miss may be false. */
const DIRECTORY_UNAVAILABLE = {
  status: 503,
  description:
    'The directory did not answer, and messaging does not know the student(s) or your number yet: try again',
};

// Shapes for the API description; the messaging service validates every field.

const SEND_AT = {
  format: 'date-time',
  description:
    'When to send (ISO 8601, in the future): the message is `scheduled` until then. Without ' +
    'it, a message to a student in their quiet hours is scheduled for the end of them.',
};

export class SendMessageBody {
  @ApiProperty()
  studentId: string;

  @ApiProperty({ description: '1–1,600 characters', example: 'See you at 5!' })
  body: string;

  @ApiPropertyOptional({ type: [String], description: 'MMS media URLs' })
  mediaUrls?: string[];

  @ApiPropertyOptional(SEND_AT)
  sendAt?: string;
}

export class SendBulkBody {
  @ApiProperty({ type: [String], description: `1–${MAX_BULK_RECIPIENTS} student ids` })
  studentIds: string[];

  @ApiProperty({
    description: '1–1,600 characters once filled; `{{firstName}}` and `{{name}}` are per student',
    example: 'Hi {{firstName}}, class moves to 6pm today.',
  })
  body: string;

  @ApiPropertyOptional(SEND_AT)
  sendAt?: string;
}

export class AttributeMessageBody {
  @ApiProperty({ description: 'One of the students sharing the phone' })
  studentId: string;
}

export class OptOutDecisionBody {
  @ApiProperty({
    enum: OPT_OUT_DECISIONS,
    description:
      '`confirm`: the student asked to stop — opt their phone out of the number, as STOP does; ' +
      '`dismiss`: they did not — clear the flag',
  })
  decision: OptOutDecision;
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'One key (per sender) is one send: the same request again returns the same result',
};

/** Sending SMS from the caller's own number (any staff member). */
@ApiTags('Messages')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid token' })
@Controller('api/messages')
export class MessagesController {
  constructor(private readonly services: BrokerClient) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send an SMS to a student from your number',
    description:
      'Queued at once and sent at the pace of your number. A student without an SMS phone, or ' +
      'who opted out of your number, gets the text by email: `fallback` says so.',
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiResponse({ status: 202, description: 'The message' })
  @ApiResponse({ status: 400, description: 'Empty body, or over 1,600 characters' })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  @ApiResponse({ status: 409, description: 'You have no number to send from' })
  @ApiResponse(DIRECTORY_UNAVAILABLE)
  send(
    @CurrentCaller() caller: Caller,
    @Body() body: SendMessageBody,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Observable<MessageView> {
    return this.services.send(SendMessage, {
      senderId: caller.staffId,
      studentId: body?.studentId,
      body: body?.body,
      mediaUrls: body?.mediaUrls,
      idempotencyKey: idempotencyKey || undefined,
      sendAt: body?.sendAt,
    });
  }

  @Post('bulk')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one text, personalised, to up to 10,000 students' })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiResponse({ status: 202, description: '`{ bulkId, total }`' })
  @ApiResponse({ status: 400, description: 'No or too many students, empty or too long body' })
  @ApiResponse({ status: 404, description: 'Unknown students (`details.studentIds`)' })
  @ApiResponse({ status: 409, description: 'You have no number to send from' })
  @ApiResponse(DIRECTORY_UNAVAILABLE)
  sendBulk(
    @CurrentCaller() caller: Caller,
    @Body() body: SendBulkBody,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Observable<BulkView> {
    return this.services.send(
      SendBulk,
      {
        senderId: caller.staffId,
        studentIds: body?.studentIds,
        body: body?.body,
        idempotencyKey: idempotencyKey || undefined,
        sendAt: body?.sendAt,
      },
      BULK_REQUEST_TIMEOUT_MS,
    );
  }

  @Get('bulk/:bulkId')
  @ApiOperation({
    summary: "A bulk send's progress",
    description:
      '`{ total, queued, sent, delivered, failed, fallback, done }`; `done` once every message ' +
      'was handed to Twilio or settled by email.',
  })
  @ApiResponse({ status: 404, description: 'Unknown bulk send' })
  bulkProgress(@Param('bulkId') bulkId: string): Observable<BulkProgressView> {
    return this.services.send(GetBulkProgress, { bulkId });
  }

  @Get('bulk/:bulkId/undelivered')
  @ApiOperation({
    summary: 'The messages of a bulk send that no text delivered',
    description:
      'Failed, undelivered, or to a student without an SMS phone, and every message that went ' +
      'by email instead (`fallback`): the students behind the `failed` and `fallback` counts, ' +
      'in the order they were sent.',
  })
  @ApiResponse({ status: 200, description: 'The messages, each with `studentId` and `status`' })
  @ApiResponse({ status: 404, description: 'Unknown bulk send' })
  bulkUndelivered(@Param('bulkId') bulkId: string): Observable<MessageView[]> {
    return this.services.send(GetBulkUndelivered, { bulkId });
  }

  @Get('scheduled')
  @ApiOperation({
    summary: 'Your scheduled messages, soonest first (each with `sendAt` and `studentName`)',
  })
  scheduled(@CurrentCaller() caller: Caller): Observable<ScheduledMessageView[]> {
    return this.services.send(ScheduledMessages, { staffId: caller.staffId });
  }

  @Delete(':id')
  @ApiOperation({
    summary: "Cancel a scheduled message (yours; an admin: anyone's) before it goes",
    description: 'Audited as `message.canceled`. Canceling a canceled message again is a no-op.',
  })
  @ApiResponse({ status: 200, description: 'The message, now `canceled`' })
  @ApiResponse({ status: 404, description: 'No such message of yours' })
  @ApiResponse({ status: 409, description: 'It has already gone' })
  cancel(@CurrentCaller() caller: Caller, @Param('id') messageId: string): Observable<MessageView> {
    return this.services.send(CancelMessage, {
      actorId: caller.staffId,
      actorIsAdmin: caller.role === 'admin',
      messageId,
    });
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A message, with its status, segments, any email fallback, and its route',
    description:
      'An inbound message has `route`: how its student was found (`student.by`: `smsPhone`, ' +
      '`latestConversation` when the phone is shared, or null: unknown with no candidates, ' +
      'ambiguous with several) and who held its `To` number when it arrived, since when ' +
      '(`staff`). Outbound messages have `route: null`.',
  })
  @ApiResponse({ status: 404, description: 'Unknown message' })
  message(@Param('id') messageId: string): Observable<MessageView> {
    return this.services.send(GetMessage, { messageId });
  }

  @Put(':id/student')
  @Roles('admin', ...MANAGER_ROLES)
  @ApiOperation({
    summary: 'Pick the student of an ambiguous message (admin, managers)',
    description:
      'For a message from a phone several students share, none of them in a conversation on ' +
      'this number: `studentId` must be one of `route.student.candidates`. Audited as ' +
      '`message.attributed`.',
  })
  @ApiResponse({ status: 200, description: 'The message, now with its student' })
  @ApiResponse({ status: 400, description: 'Not one of the candidates' })
  @ApiResponse({ status: 404, description: 'Unknown message' })
  @ApiResponse({ status: 409, description: 'The message is not ambiguous (any more)' })
  attribute(
    @CurrentCaller() caller: Caller,
    @Param('id') messageId: string,
    @Body() body: AttributeMessageBody,
  ): Observable<MessageView> {
    return this.services.send(AttributeMessage, {
      actorId: caller.staffId,
      messageId,
      studentId: body?.studentId,
    });
  }

  @Post(':id/opt-out')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Decide on a message that may have asked to stop texting (`flags: ["possible-opt-out"]`)',
    description:
      'Admins, managers, and the staff member the message was routed to. `confirm` opts the ' +
      "student's phone out of the number the message was sent to exactly as a STOP would (later " +
      'sends go by email) and records it in the consent history with you and the message; ' +
      '`dismiss` clears the flag. Either way the message leaves Needs attention. Audited as ' +
      '`message.opt-out-confirmed` / `message.opt-out-dismissed`.',
  })
  @ApiResponse({ status: 200, description: 'The message, its flag cleared' })
  @ApiResponse({ status: 400, description: '`decision` is not "confirm" or "dismiss"' })
  @ApiResponse({ status: 403, description: 'Not an admin, a manager or its staff member' })
  @ApiResponse({ status: 404, description: 'Unknown message' })
  @ApiResponse({ status: 409, description: 'The message is not flagged (any more)' })
  decideOptOut(
    @CurrentCaller() caller: Caller,
    @Param('id') messageId: string,
    @Body() body: OptOutDecisionBody,
  ): Observable<MessageView> {
    return this.services.send(DecideOptOut, {
      actorId: caller.staffId,
      actorRole: caller.role,
      messageId,
      decision: body?.decision,
    });
  }
}
