import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseBoolPipe,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  Conversation,
  MANAGER_ROLES,
  MarkConversationRead,
  MAX_THREAD_PAGE,
  MessageStatus,
  Role,
  SearchSms,
  SendTime,
  SmsTile,
  StudentMessages,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';

const THREAD_PAGING =
  'Paged from the newest: `limit` gives the newest `limit` messages, and `before` (the id of the ' +
  'oldest message one has) the ones older than it; a page shorter than `limit` is the first. ' +
  'Without `limit`, every message.';

const GLOBAL_READERS: readonly Role[] = ['admin', ...MANAGER_ROLES];

class ReadBody {
  @ApiProperty({ example: '+14155550123', description: 'the other party of the conversation' })
  contactPhone: string;
}

/** The dashboard's SMS views, read from the messaging service's store. */
@ApiTags('SMS views')
@ApiBearerAuth()
@Controller('api')
export class SmsController {
  constructor(private readonly services: BrokerClient) {}

  @Get('sms/tile')
  @ApiOperation({
    summary: "The caller's SMS tile: one row per conversation, newest first, with unread counts",
  })
  tile(@CurrentCaller() caller: Caller) {
    return this.services.send(SmsTile, { staffId: caller.staffId });
  }

  @Get('sms/conversation')
  @ApiOperation({
    summary: 'One conversation of the caller: the messages with a phone, oldest first',
    description:
      `${THREAD_PAGING} Admins and managers get the phone's messages on every number (an ` +
      'unknown sender in the global tab opens here).',
  })
  @ApiQuery({ name: 'contactPhone', example: '+14155550123' })
  @ApiQuery({ name: 'before', required: false, description: 'the id of a message' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_THREAD_PAGE}` })
  conversation(
    @CurrentCaller() caller: Caller,
    // Missing, it is refused by the messaging service's validation, naming the field.
    @Query('contactPhone') contactPhone = '',
    @Query('before') before?: string,
    @Query('limit', new ParseIntPipe({ optional: true })) limit?: number,
  ) {
    return this.services.send(Conversation, {
      staffId: caller.staffId,
      // Who may read the global tab reads a phone's whole history, whichever number it wrote to.
      everyone: GLOBAL_READERS.includes(caller.role),
      contactPhone,
      before,
      limit,
    });
  }

  @Post('sms/tile/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks a conversation of the caller read' })
  markRead(@CurrentCaller() caller: Caller, @Body() body: ReadBody) {
    return this.services.send(MarkConversationRead, {
      staffId: caller.staffId,
      contactPhone: body?.contactPhone,
    });
  }

  @Get('sms')
  @Roles('admin', ...MANAGER_ROLES)
  @ApiOperation({
    summary: 'The global SMS tab (admin, managers): every message, newest first',
    description:
      "`q` is full-text search over bodies (each row's `matches`: the words that matched, as " +
      "written); `attention=true` keeps what nobody owns (each row's `attention`: " +
      '`unknown-sender`, `ambiguous` or `no-holder`); `since`/`until` bound `createdAt`; ' +
      '`before` is the `nextBefore` of the last page.',
  })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'studentId', required: false })
  @ApiQuery({ name: 'staffId', required: false })
  @ApiQuery({ name: 'direction', required: false, enum: ['inbound', 'outbound'] })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'attention', required: false, type: Boolean })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601: created at or after' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601: created before' })
  @ApiQuery({ name: 'before', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  search(
    @Query('q') q?: string,
    @Query('studentId') studentId?: string,
    @Query('staffId') staffId?: string,
    @Query('direction') direction?: 'inbound' | 'outbound',
    @Query('status') status?: MessageStatus,
    @Query('attention', new ParseBoolPipe({ optional: true })) attention?: boolean,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('before') before?: string,
    @Query('limit', new ParseIntPipe({ optional: true })) limit?: number,
  ) {
    return this.services.send(SearchSms, {
      q,
      studentId,
      staffId,
      direction,
      status,
      attention,
      since,
      until,
      before,
      limit,
    });
  }

  @Get('students/:studentId/send-time')
  @ApiOperation({
    summary: 'When a text to this student from your number, sent now, would go',
    description:
      "`{ sendAt, timezone }`: `sendAt` null — at once; otherwise the end of the student's " +
      'quiet hours (QUIET_HOURS in `timezone`, theirs or DEFAULT_TIMEZONE). A student who wrote ' +
      'to your number within the last 24 hours is answered at once.',
  })
  sendTime(@CurrentCaller() caller: Caller, @Param('studentId') studentId: string) {
    return this.services.send(SendTime, { staffId: caller.staffId, studentId });
  }

  @Get('students/:studentId/messages')
  @ApiOperation({
    summary: "A student's history: every SMS both ways and every fallback email, in order",
    description: THREAD_PAGING,
  })
  @ApiQuery({ name: 'before', required: false, description: 'the id of a message' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_THREAD_PAGE}` })
  studentMessages(
    @Param('studentId') studentId: string,
    @Query('before') before?: string,
    @Query('limit', new ParseIntPipe({ optional: true })) limit?: number,
  ) {
    return this.services.send(StudentMessages, { studentId, before, limit });
  }
}
