import { Type } from 'class-transformer';
import { IsArray, IsISO8601, IsNotEmpty, IsString, Matches, ValidateNested } from 'class-validator';
import { defineEvent } from '../event-definition';

export class MediaItem {
  @IsString()
  @IsNotEmpty()
  url: string;

  @IsString()
  @IsNotEmpty()
  contentType: string;
}

/** Twilio delivered an inbound SMS or MMS to one of our numbers; the gateway has it durably. */
export class SmsReceivedPayload {
  @Matches(/^(SM|MM)[0-9a-fA-F]{32}$/, { message: 'messageSid must be a Twilio message SID' })
  messageSid: string;

  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'accountSid must be a Twilio account SID' })
  accountSid: string;

  @IsString()
  @IsNotEmpty()
  from: string;

  @IsString()
  @IsNotEmpty()
  to: string;

  /** Empty for a picture-only MMS. */
  @IsString()
  body: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MediaItem)
  media: MediaItem[];

  @IsISO8601({ strict: true })
  receivedAt: string;
}

export const SmsReceived = defineEvent('gateway', 'SmsReceived', 1, SmsReceivedPayload);
