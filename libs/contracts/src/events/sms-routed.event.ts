import { Type } from 'class-transformer';
import { IsArray, IsISO8601, IsOptional, IsString, ValidateNested } from 'class-validator';
import { defineEvent } from '../event-definition';
import { SmsReceivedPayload } from './sms-received.event';

/** Routing found who held the `To` number when the SMS arrived (null: nobody held it). */
export class SmsRoutedPayload {
  @ValidateNested()
  @Type(() => SmsReceivedPayload)
  sms: SmsReceivedPayload;

  /** The student, when exactly one has this phone. */
  @IsOptional()
  @IsString()
  studentId: string | null;

  @IsArray()
  @IsString({ each: true })
  candidateStudentIds: string[];

  @IsOptional()
  @IsString()
  staffId: string | null;

  /** Since when `staffId` held the number (absent in events routed before it was recorded). */
  @IsOptional()
  @IsISO8601()
  heldSince?: string | null;
}

export const SmsRouted = defineEvent('routing', 'SmsRouted', 1, SmsRoutedPayload);
