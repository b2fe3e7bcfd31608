import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { defineEvent } from '../event-definition';

/**
 * Every status Twilio documents for a message (`message_enum_status` in its API description).
 * `partially_delivered` was added to version 1 of SmsStatusReported: the field's shape is the
 * same string, and a consumer that does not know the value refuses it to its dead-letter queue,
 * from where it can be replayed once upgraded — nothing is lost.
 */
export const TWILIO_MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'canceled',
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'read',
  'partially_delivered',
] as const;
export type TwilioMessageStatus = (typeof TWILIO_MESSAGE_STATUSES)[number];

/** Twilio called our status callback for an outbound message (possibly late, out of order, twice). */
export class SmsStatusReportedPayload {
  @Matches(/^(SM|MM)[0-9a-fA-F]{32}$/, { message: 'messageSid must be a Twilio message SID' })
  messageSid: string;

  @IsIn(TWILIO_MESSAGE_STATUSES)
  status: TwilioMessageStatus;

  @IsOptional()
  @IsString()
  errorCode: string | null;

  @IsISO8601({ strict: true })
  reportedAt: string;
}

export const SmsStatusReported = defineEvent(
  'gateway',
  'SmsStatusReported',
  1,
  SmsStatusReportedPayload,
);
