import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  DomainError,
  ImportResult,
  ImportStudentsRequest,
  IMPORT_SAMPLE_ROWS,
  MAX_IMPORT_ROWS,
  StudentUpserted,
} from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NUMBERS_CONFIG, NumbersConfig } from '../config';
import { NormalizedStudent, normalizeStudent } from './normalize-student';
import { nextVersion } from './row-version';

export interface RowProblem {
  index: number;
  id: string | null;
  problems: string[];
}

/**
 * Imports up to 10,000 students all-or-nothing: every row is checked first and any bad row
 * rejects the whole import, listing each bad row's index and reasons; otherwise all rows are
 * upserted in one transaction with one statement, their events and one audit entry.
 */
@Injectable()
export class ImportStudentsUseCase {
  constructor(
    @Inject(NUMBERS_CONFIG) private readonly config: NumbersConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
  ) {}

  async execute(request: ImportStudentsRequest): Promise<ImportResult> {
    const rows = parseRows(request.rowsJson);
    const students = this.checkRows(rows);
    if (request.dryRun) {
      const sample = students
        .slice(0, IMPORT_SAMPLE_ROWS)
        .map(({ studentId, ...student }) => ({ id: studentId, ...student }));
      return { imported: 0, checked: students.length, sample };
    }

    await this.unitOfWork.run(async (manager) => {
      // Each row's version is read as its lock is taken (a new row's when it is inserted).
      const versions = await manager.query<{ id: string; updated_at: Date }[]>(
        `INSERT INTO numbers.students AS s (id, name, email, sms_phone, timezone, updated_at)
         SELECT *, ${nextVersion(null)}
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
           sms_phone = excluded.sms_phone, timezone = excluded.timezone,
           updated_at = ${nextVersion('s.updated_at')}
         RETURNING id, updated_at`,
        [
          students.map((student) => student.studentId),
          students.map((student) => student.name),
          students.map((student) => student.email),
          students.map((student) => student.smsPhone),
          students.map((student) => student.timezone),
        ],
      );
      const versionOf = new Map(versions.map((row) => [row.id, row.updated_at]));
      await this.outbox.addMany(
        manager,
        StudentUpserted,
        students.map((student) =>
          createEnvelope(StudentUpserted, student, {
            occurredAt: versionOf.get(student.studentId),
          }),
        ),
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'students.imported',
        targetType: 'students',
        targetId: `${students.length} students`,
        after: { count: students.length, studentIds: students.map((student) => student.studentId) },
      });
    });
    return { imported: students.length };
  }

  private checkRows(rows: unknown[]): NormalizedStudent[] {
    const students: NormalizedStudent[] = [];
    const bad: RowProblem[] = [];
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const { student, problems } = normalizeStudent(row, this.config.DEFAULT_COUNTRY);
      const id = student?.studentId ?? idOf(row);
      const first = id === null ? undefined : seen.get(id);
      const all =
        first === undefined ? problems : [...problems, `id: "${id}" is also row ${first}`];
      if (id !== null && first === undefined) seen.set(id, index);
      if (all.length > 0 || !student) bad.push({ index, id, problems: all });
      else students.push(student);
    });
    if (bad.length > 0) {
      throw new DomainError(
        'INVALID_INPUT',
        `${bad.length} of ${rows.length} rows are invalid; nothing was imported`,
        { rows: bad },
      );
    }
    return students;
  }
}

function parseRows(json: string): unknown[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch {
    throw new DomainError('INVALID_INPUT', 'the import is not JSON');
  }
  if (!Array.isArray(rows))
    throw new DomainError('INVALID_INPUT', 'the import must be a JSON array of students');
  if (rows.length === 0) throw new DomainError('INVALID_INPUT', 'the import has no rows');
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new DomainError(
      'INVALID_INPUT',
      `an import takes at most ${MAX_IMPORT_ROWS} rows, not ${rows.length}`,
    );
  }
  return rows;
}

function idOf(row: unknown): string | null {
  const id = (row as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}
