import { IsEmail, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { defineEvent } from '../event-definition';
import { Role, ROLES } from './roles';

const E164 = /^\+[1-9]\d{6,14}$/;

/** A staff member was created or changed (the whole record as it is now). */
export class StaffUpsertedPayload {
  @IsString()
  staffId: string;

  @IsString()
  name: string;

  @IsEmail()
  email: string;

  @IsIn(ROLES)
  role: Role;
}

export const StaffUpserted = defineEvent('numbers', 'StaffUpserted', 1, StaffUpsertedPayload);

/** A student was created or changed (the whole record as it is now). */
export class StudentUpsertedPayload {
  @IsString()
  studentId: string;

  @IsString()
  name: string;

  @IsOptional()
  @IsEmail()
  email: string | null;

  /** E.164, or null when the student has no SMS phone. */
  @IsOptional()
  @Matches(E164)
  smsPhone: string | null;

  @IsOptional()
  @IsString()
  timezone: string | null;
}

export const StudentUpserted = defineEvent('numbers', 'StudentUpserted', 1, StudentUpsertedPayload);
