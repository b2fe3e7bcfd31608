import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../event-definition';
import { MediaItem } from './sms-received.event';

/** What an opt-out or opt-in keyword did: the student's SMS status for that number changed. */
export const OPT_CHANGES = ['opted-out', 'opted-in'] as const;
export type OptChange = (typeof OPT_CHANGES)[number];

/**
 * An inbound SMS is in its conversation: attributed to a student (or not, or ambiguously) and to
 * the staff member who held the number when it arrived (or nobody). Notification fans it out.
 */
export class InboundSmsStoredPayload {
  @IsUUID()
  messageId: string;

  @IsString()
  messageSid: string;

  @IsOptional()
  @IsString()
  studentId: string | null;

  @IsOptional()
  @IsString()
  studentName: string | null;

  /** Several students share the phone and none was recently messaged from this number. */
  @IsBoolean()
  ambiguous: boolean;

  @IsArray()
  @IsString({ each: true })
  candidateStudentIds: string[];

  /** The holder of the number at arrival; null when the number had none. */
  @IsOptional()
  @IsString()
  staffId: string | null;

  @IsString()
  from: string;

  @IsString()
  to: string;

  @IsString()
  body: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MediaItem)
  media: MediaItem[];

  @IsIn(['received', 'unroutable'])
  status: 'received' | 'unroutable';

  @IsOptional()
  @IsIn(OPT_CHANGES)
  optChange: OptChange | null;

  /**
   * What staff should look at (`possible-opt-out`). Optional, so v1 keeps its shape: an older
   * consumer drops it, and events stored before it pass without it.
   */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  flags?: string[];

  @IsISO8601({ strict: true })
  receivedAt: string;
}

export const InboundSmsStored = defineEvent(
  'messaging',
  'InboundSmsStored',
  1,
  InboundSmsStoredPayload,
);
