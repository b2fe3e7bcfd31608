import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AssignmentRecord,
  Role,
  SendContextRequest,
  SendContextView,
  StaffUpsertedPayload,
  StudentUpsertedPayload,
  Versioned,
} from '@fidelis/contracts';

interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  updated_at: Date;
}

interface StudentRow {
  id: string;
  name: string;
  email: string | null;
  sms_phone: string | null;
  timezone: string | null;
  updated_at: Date;
}

interface AssignmentRow {
  id: string;
  number_id: string;
  phone_number: string;
  staff_id: string;
  started_at: Date;
  ended_at: Date | null;
}

/**
 * Messaging's question before it decides a send: the sender, the number they hold (their latest
 * assignment) and the wanted students, as committed now — what the API has acknowledged, even
 * when its events have not reached messaging yet.
 */
@Injectable()
export class SendContextUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(request: SendContextRequest): Promise<SendContextView> {
    const [staff, assignments, students] = await Promise.all([
      this.dataSource.query<StaffRow[]>(
        'SELECT id, name, email, role, updated_at FROM numbers.staff WHERE id = $1',
        [request.senderId],
      ),
      // One open assignment per staff member at most, and it is their latest.
      this.dataSource.query<AssignmentRow[]>(
        `SELECT a.id, a.number_id, n.phone_number, a.staff_id, a.started_at, a.ended_at
           FROM numbers.number_assignments a
           JOIN numbers.phone_numbers n ON n.id = a.number_id
          WHERE a.staff_id = $1
          ORDER BY a.ended_at IS NULL DESC, a.started_at DESC
          LIMIT 1`,
        [request.senderId],
      ),
      this.dataSource.query<StudentRow[]>(
        `SELECT id, name, email, sms_phone, timezone, updated_at
           FROM numbers.students WHERE id = ANY($1::text[])`,
        [request.studentIds],
      ),
    ]);
    return {
      sender: staff[0] ? staffRecord(staff[0]) : null,
      assignment: assignments[0] ? assignmentRecord(assignments[0]) : null,
      students: students.map(studentRecord),
    };
  }
}

function staffRecord(row: StaffRow): Versioned<StaffUpsertedPayload> {
  return {
    staffId: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    updatedAt: row.updated_at.toISOString(),
  };
}

function studentRecord(row: StudentRow): Versioned<StudentUpsertedPayload> {
  return {
    studentId: row.id,
    name: row.name,
    email: row.email,
    smsPhone: row.sms_phone,
    timezone: row.timezone,
    updatedAt: row.updated_at.toISOString(),
  };
}

function assignmentRecord(row: AssignmentRow): AssignmentRecord {
  return {
    assignmentId: row.id,
    numberId: row.number_id,
    phoneNumber: row.phone_number,
    staffId: row.staff_id,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
  };
}
