import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { defineEvent } from '../event-definition';
import { SmsReceivedPayload } from './sms-received.event';

/** Routing matched an inbound SMS's `From` to a student (or to none, or to several candidates). */
export class StudentResolvedPayload {
  @ValidateNested()
  @Type(() => SmsReceivedPayload)
  sms: SmsReceivedPayload;

  /** Null when no student, or more than one, has this phone. */
  @IsOptional()
  @IsString()
  studentId: string | null;

  /** Every student whose SMS phone is `From`; more than one means the sender is ambiguous. */
  @IsArray()
  @IsString({ each: true })
  candidateStudentIds: string[];
}

export const StudentResolved = defineEvent('routing', 'StudentResolved', 1, StudentResolvedPayload);
