import { IsArray, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ActorRequest } from '../directory/directory.requests';
import { defineEvent } from '../event-definition';
import { defineRequest } from '../request-definition';

/** An admin sets or lifts a legal hold on a student: while held, retention keeps their messages. */
export class LegalHoldRequest extends ActorRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  studentId: string;

  /** Why (a case number, say): kept with the hold and in the audit entry. */
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason?: string;
}

export class StudentLegalHoldRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;
}

export interface LegalHoldView {
  studentId: string;
  held: boolean;
  reason: string | null;
  setBy: string | null;
  setAt: string | null;
}

/** Runs the retention job now, outside production only, with a clock the caller gives. */
export class RunRetentionRequest extends ActorRequest {
  /** The job's "now" (ISO 8601); the real clock when absent. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'now must be an ISO 8601 time' })
  now?: string;
}

/** What one run of the retention job removed, per store (`<schema>.<table>`). */
export interface RetentionReport {
  /** Unset RETENTION_DAYS: nothing is purged and the cutoff is null. */
  cutoff: string | null;
  purged: Record<string, number>;
  heldStudents: number;
}

export const SetLegalHold = defineRequest<LegalHoldRequest, LegalHoldView>(
  'messaging',
  'set-legal-hold',
  LegalHoldRequest,
);
export const LiftLegalHold = defineRequest<LegalHoldRequest, LegalHoldView>(
  'messaging',
  'lift-legal-hold',
  LegalHoldRequest,
);
export const GetLegalHold = defineRequest<StudentLegalHoldRequest, LegalHoldView>(
  'messaging',
  'get-legal-hold',
  StudentLegalHoldRequest,
);
export const RunRetention = defineRequest<RunRetentionRequest, RetentionReport>(
  'messaging',
  'run-retention',
  RunRetentionRequest,
);

/**
 * Messaging purged message text older than `cutoff`: every other service removes its own copies
 * older than it (envelopes in its outbox, the bodies of audited bulks), except those of the held
 * students (by id or phone) and of the bulks that reached one of them.
 */
export class RetentionAppliedPayload {
  @IsISO8601({ strict: true })
  cutoff: string;

  @IsArray()
  @IsString({ each: true })
  heldStudentIds: string[];

  @IsArray()
  @IsString({ each: true })
  heldPhones: string[];

  @IsArray()
  @IsString({ each: true })
  heldBulkIds: string[];
}

export const RetentionApplied = defineEvent(
  'messaging',
  'RetentionApplied',
  1,
  RetentionAppliedPayload,
);
