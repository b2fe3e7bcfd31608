import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../event-definition';
import { FALLBACK_STATUSES, FallbackStatus, MESSAGE_STATUSES, MessageStatus } from './message-view';

const E164 = /^\+[1-9]\d{6,14}$/;

export class FallbackSnapshot {
  @IsIn(['email'])
  channel: 'email';

  @IsString()
  to: string;

  @IsIn(FALLBACK_STATUSES)
  status: FallbackStatus;

  @IsISO8601({ strict: true })
  at: string;
}

/**
 * A message's status or its email fallback changed (also when a message is created already
 * settled: undeliverable, or going by email). The dashboard's `sms.status` event is made of it.
 * No body: it is in the message store (`GET /api/messages/:id`).
 */
export class SmsStatusChangedPayload {
  @IsUUID()
  messageId: string;

  @IsIn(['inbound', 'outbound'])
  direction: 'inbound' | 'outbound';

  @IsOptional()
  @IsString()
  studentId: string | null;

  @IsOptional()
  @IsString()
  staffId: string | null;

  @IsString()
  from: string;

  @IsOptional()
  @IsString()
  to: string | null;

  @IsIn(MESSAGE_STATUSES)
  status: MessageStatus;

  @IsOptional()
  @IsString()
  errorCode: string | null;

  @IsOptional()
  @IsString()
  twilioSid: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => FallbackSnapshot)
  fallback: FallbackSnapshot | null;

  @IsOptional()
  @IsUUID()
  bulkId: string | null;

  @IsInt()
  @Min(1)
  segments: number;

  @IsISO8601({ strict: true })
  changedAt: string;
}

export const SmsStatusChanged = defineEvent(
  'messaging',
  'SmsStatusChanged',
  1,
  SmsStatusChangedPayload,
);

/**
 * A student opted out of (or back into) SMS from one of our numbers, e.g. by texting STOP or
 * START to it. Messaging sends to an opted-out student by email instead.
 */
export class SmsOptOutChangedPayload {
  @Matches(E164)
  studentPhone: string;

  /** Our number the keyword was sent to. */
  @Matches(E164)
  number: string;

  @IsBoolean()
  optedOut: boolean;

  @IsISO8601({ strict: true })
  at: string;

  /**
   * The inbound message whose keyword it was, for the consent history. Optional, so v1 keeps its
   * shape: a consumer that does not know it drops it (whitelist), and events without it still pass.
   */
  @IsOptional()
  @IsString()
  messageSid?: string;
}

export const SmsOptOutChanged = defineEvent(
  'routing',
  'SmsOptOutChanged',
  1,
  SmsOptOutChangedPayload,
);
