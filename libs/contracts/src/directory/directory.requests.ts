import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  IsObject,
  MaxLength,
  Min,
} from 'class-validator';
import { defineRequest } from '../request-definition';
import { Role, ROLES } from './roles';

export interface StaffView {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface StudentView {
  id: string;
  name: string;
  email: string | null;
  smsPhone: string | null;
  timezone: string | null;
  /** Other students with the same SMS phone (siblings, a parent's phone). */
  sharesPhoneWith: string[];
  createdAt: string;
  updatedAt: string;
}

/** Who asks: every change names its actor for the audit trail. */
export class ActorRequest {
  @IsString()
  @IsNotEmpty()
  actorId: string;
}

export class UpsertStaffRequest extends ActorRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  staffId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsEmail()
  email: string;

  @IsIn(ROLES)
  role: Role;
}

export class StaffIdRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;
}

export class ListStaffRequest {}

/** One student as the platform sends it; `smsPhone` in any format libphonenumber reads. */
export interface StudentInput {
  id: string;
  name: string;
  email?: string | null;
  smsPhone?: string | null;
  timezone?: string | null;
}

/** The student is checked field by field by the numbers service (as each row of an import). */
export class UpsertStudentRequest extends ActorRequest {
  @IsObject()
  student: StudentInput;
}

export class StudentIdRequest {
  @IsString()
  @IsNotEmpty()
  studentId: string;
}

export class SearchStudentsRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** Cursor: the `nextBefore` of the previous page. */
  @IsOptional()
  @IsString()
  before?: string;
}

/**
 * Rows are checked one by one by the numbers service, so that every bad row is reported with its
 * index. They travel as JSON text: class-transformer would otherwise copy 10,000 objects one
 * property at a time before anything reads them (0.6 s for a full import).
 */
export class ImportStudentsRequest extends ActorRequest {
  @IsString()
  rowsJson: string;

  /** Checks every row and imports nothing (the console's preview). */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** An import's answer; a dry run also says how many rows would go in, and the first few as stored. */
export interface ImportResult {
  imported: number;
  checked?: number;
  sample?: StudentInput[];
}

/** How many rows a dry run shows as they will be stored. */
export const IMPORT_SAMPLE_ROWS = 10;

export const MAX_IMPORT_ROWS = 10_000;

export const UpsertStaff = defineRequest<UpsertStaffRequest, StaffView>(
  'numbers',
  'upsert-staff',
  UpsertStaffRequest,
);
export const ListStaff = defineRequest<ListStaffRequest, StaffView[]>(
  'numbers',
  'list-staff',
  ListStaffRequest,
);
export const GetStaff = defineRequest<StaffIdRequest, StaffView>(
  'numbers',
  'get-staff',
  StaffIdRequest,
);
export const UpsertStudent = defineRequest<UpsertStudentRequest, StudentView>(
  'numbers',
  'upsert-student',
  UpsertStudentRequest,
);
export const GetStudent = defineRequest<StudentIdRequest, StudentView>(
  'numbers',
  'get-student',
  StudentIdRequest,
);
export const SearchStudents = defineRequest<
  SearchStudentsRequest,
  { items: StudentView[]; nextBefore: string | null }
>('numbers', 'search-students', SearchStudentsRequest);
export const ImportStudents = defineRequest<ImportStudentsRequest, ImportResult>(
  'numbers',
  'import-students',
  ImportStudentsRequest,
);
