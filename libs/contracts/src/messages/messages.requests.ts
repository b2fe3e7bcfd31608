import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { ActorRequest } from '../directory/directory.requests';
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
export const AttributeMessage = defineRequest<AttributeMessageRequest, MessageView>(
  'messaging',
  'attribute-message',
  AttributeMessageRequest,
);
