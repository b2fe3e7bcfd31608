import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { ActorRequest, StaffIdRequest } from '../directory/directory.requests';
import { defineRequest } from '../request-definition';
import { BulkProgressView, BulkView, MessageView } from './message-view';

/** Twilio refuses longer bodies (21617). */
export const MAX_BODY_CHARS = 1600;
export const MAX_BULK_RECIPIENTS = 10_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

class SendRequest {
  /** The caller: messages go out from the number they hold. */
  @IsString()
  @IsNotEmpty()
  senderId: string;

  /** Length and emptiness are checked by the messaging service (INVALID_INPUT). */
  @IsString()
  body: string;

  /** One key (per sender) is one send. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string;

  /** When to send (ISO 8601, in the future); the messaging service checks that it is. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 time' })
  sendAt?: string;
}

export class SendMessageRequest extends SendRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUrl({ require_tld: false }, { each: true })
  mediaUrls?: string[];
}

export class SendBulkRequest extends SendRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_RECIPIENTS)
  @IsString({ each: true })
  studentIds: string[];
}

export class BulkIdRequest {
  @IsString()
  bulkId: string;
}

export class MessageIdRequest {
  @IsString()
  messageId: string;
}

/** The sender (or an admin) cancels a scheduled message before it goes. */
export class CancelMessageRequest extends ActorRequest {
  @IsString()
  @IsNotEmpty()
  messageId: string;

  @IsOptional()
  @IsBoolean()
  actorIsAdmin?: boolean;
}

/** When a message from the staff member to the student, sent now, would go. */
export class SendTimeRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;

  @IsString()
  @IsNotEmpty()
  studentId: string;
}

export interface SendTimeView {
  /** Null: at once. Otherwise the end of the student's quiet hours. */
  sendAt: string | null;
  /** The student's time zone as quiet hours read it (theirs, or DEFAULT_TIMEZONE). */
  timezone: string;
}

/** A scheduled message with the name of its student, for its sender's list. */
export interface ScheduledMessageView extends MessageView {
  studentName: string | null;
}

/** Staff pick which of the students sharing a phone wrote an ambiguous message. */
export class AttributeMessageRequest extends ActorRequest {
  @IsString()
  @IsNotEmpty()
  messageId: string;

  @IsString()
  @IsNotEmpty()
  studentId: string;
}

export const SendMessage = defineRequest<SendMessageRequest, MessageView>(
  'messaging',
  'send-message',
  SendMessageRequest,
);
export const SendBulk = defineRequest<SendBulkRequest, BulkView>(
  'messaging',
  'send-bulk',
  SendBulkRequest,
);
export const GetBulkProgress = defineRequest<BulkIdRequest, BulkProgressView>(
  'messaging',
  'get-bulk-progress',
  BulkIdRequest,
);
export const GetBulkUndelivered = defineRequest<BulkIdRequest, MessageView[]>(
  'messaging',
  'get-bulk-undelivered',
  BulkIdRequest,
);
export const GetMessage = defineRequest<MessageIdRequest, MessageView>(
  'messaging',
  'get-message',
  MessageIdRequest,
);
export const CancelMessage = defineRequest<CancelMessageRequest, MessageView>(
  'messaging',
  'cancel-message',
  CancelMessageRequest,
);
export const ScheduledMessages = defineRequest<StaffIdRequest, ScheduledMessageView[]>(
  'messaging',
  'scheduled-messages',
  StaffIdRequest,
);
export const SendTime = defineRequest<SendTimeRequest, SendTimeView>(
  'messaging',
  'send-time',
  SendTimeRequest,
);
export const AttributeMessage = defineRequest<AttributeMessageRequest, MessageView>(
  'messaging',
  'attribute-message',
  AttributeMessageRequest,
);
