import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
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
export class StudentInput {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsEmail()
  email?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  smsPhone?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string | null;
}

export class UpsertStudentRequest extends ActorRequest {
  @ValidateNested()
  @Type(() => StudentInput)
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

/** Rows are checked one by one by the service, so that every bad row is reported with its index. */
export class ImportStudentsRequest extends ActorRequest {
  @IsArray()
  @ArrayMaxSize(10_000)
  rows: unknown[];
}

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
export const ImportStudents = defineRequest<ImportStudentsRequest, { imported: number }>(
  'numbers',
  'import-students',
  ImportStudentsRequest,
);
