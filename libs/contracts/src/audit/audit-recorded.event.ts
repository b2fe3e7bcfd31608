import { IsISO8601, IsObject, IsOptional, IsString } from 'class-validator';
import { defineEvent } from '../event-definition';

/**
 * One change worth auditing, published by the service that made it in the same transaction as
 * the change, so the trail misses nothing. The gateway keeps the trail (`GET /api/audit`).
 */
export class AuditRecordedPayload {
  /** The staff id of whoever made the change (`sub` of their token). */
  @IsString()
  actorId: string;

  /** `<target>.<verb>`, e.g. `student.upserted`, `number.assigned`, `students.imported`. */
  @IsString()
  action: string;

  @IsString()
  targetType: string;

  @IsString()
  targetId: string;

  @IsOptional()
  @IsObject()
  before: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  after: Record<string, unknown> | null;

  @IsISO8601({ strict: true })
  at: string;
}

export const AuditRecorded = defineEvent('audit', 'AuditRecorded', 1, AuditRecordedPayload);
