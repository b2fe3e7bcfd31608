import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { OptChange } from '../events/inbound-sms-stored.event';
import { defineRequest } from '../request-definition';
import { MESSAGE_STATUSES, MessageStatus, MessageView } from './message-view';

/** A message in the views, with how routing attributed it when it came in. */
export interface RoutedMessageView extends MessageView {
  /** Inbound from a phone several students share, none of them recently messaged from this number. */
  ambiguous: boolean;
  candidateStudentIds: string[];
  /** An opt-out or opt-in keyword: the student's SMS status for this number changed. */
  optChange: OptChange | null;
}

/**
 * What nobody owns yet (an unknown sender, a shared phone nobody picked, a number without a
 * holder), or what staff must decide: a message that may ask to stop texting (`possible-opt-out`).
 */
export const ATTENTION_REASONS = [
  'unknown-sender',
  'ambiguous',
  'no-holder',
  'possible-opt-out',
] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

/** A message of the global SMS tab, with the names of its student and staff member. */
export interface GlobalSmsRow extends RoutedMessageView {
  /** Null for an unknown sender (or a student the directory no longer has). */
  studentName: string | null;
  /** Null when nobody held the number (an unroutable reply). */
  staffName: string | null;
  /** Why the message needs attention now, or null. */
  attention: AttentionReason | null;
  /** The words of the body that matched the search `q`, as written in the body. */
  matches: string[];
}

/** One conversation of a staff member's SMS tile. */
export interface TileRow {
  studentId: string | null;
  contactPhone: string;
  studentName: string | null;
  lastMessage: RoutedMessageView;
  unreadCount: number;
  updatedAt: string;
}

export class StaffRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;
}

/** One conversation of a staff member: the messages between their number and one phone. */
export class ConversationRequest extends StaffRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  contactPhone: string;
}

/** The most a page of a thread holds. */
export const MAX_THREAD_PAGE = 500;

/**
 * A page of a conversation, oldest first: the newest `limit` messages older than the message
 * `before` (or than now). Without `limit`, every message.
 */
export class ConversationPageRequest extends ConversationRequest {
  /** The phone's messages on every number, not only the caller's (admins and managers). */
  @IsOptional()
  @IsBoolean()
  everyone?: boolean;

  @IsOptional()
  @IsUUID()
  before?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  limit?: number;
}

export class MarkConversationReadRequest extends ConversationRequest {}

export class SearchSmsRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsString()
  studentId?: string;

  @IsOptional()
  @IsString()
  staffId?: string;

  @IsOptional()
  @IsIn(['inbound', 'outbound'])
  direction?: 'inbound' | 'outbound';

  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;

  /** Only what needs attention (`attention` not null). */
  @IsOptional()
  @IsBoolean()
  attention?: boolean;

  /** Created at or after (ISO 8601). */
  @IsOptional()
  @IsISO8601()
  since?: string;

  /** Created before (ISO 8601). */
  @IsOptional()
  @IsISO8601()
  until?: string;

  /** Cursor: the `nextBefore` of the previous page. */
  @IsOptional()
  @IsString()
  before?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** A page of a student's history, as `ConversationPageRequest`. */
export class StudentMessagesRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;

  @IsOptional()
  @IsUUID()
  before?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  limit?: number;
}

export const SmsTile = defineRequest<StaffRequest, TileRow[]>(
  'messaging',
  'sms-tile',
  StaffRequest,
);
export const MarkConversationRead = defineRequest<
  MarkConversationReadRequest,
  { contactPhone: string; readAt: string }
>('messaging', 'mark-conversation-read', MarkConversationReadRequest);
export const Conversation = defineRequest<ConversationPageRequest, RoutedMessageView[]>(
  'messaging',
  'conversation',
  ConversationPageRequest,
);
export const SearchSms = defineRequest<
  SearchSmsRequest,
  { items: GlobalSmsRow[]; nextBefore: string | null }
>('messaging', 'search-sms', SearchSmsRequest);
export const StudentMessages = defineRequest<StudentMessagesRequest, RoutedMessageView[]>(
  'messaging',
  'student-messages',
  StudentMessagesRequest,
);
