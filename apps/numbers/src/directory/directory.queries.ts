import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  decodeCursor,
  DomainError,
  encodeCursor,
  SearchStudentsRequest,
  StaffView,
  StudentView,
} from '@fidelis/contracts';
import { staffView, studentView } from './directory.views';
import { Staff } from './staff.entity';
import { Student } from './student.entity';

const DEFAULT_PAGE = 50;

/** Reads of the directory: staff, a student with who shares their phone, student search. */
@Injectable()
export class DirectoryQueries {
  constructor(private readonly dataSource: DataSource) {}

  async listStaff(): Promise<StaffView[]> {
    const staff = await this.dataSource
      .getRepository(Staff)
      .find({ order: { name: 'ASC', id: 'ASC' } });
    return staff.map(staffView);
  }

  async getStaff(staffId: string): Promise<StaffView> {
    const staff = await this.dataSource.getRepository(Staff).findOneBy({ id: staffId });
    if (!staff) throw new DomainError('STAFF_NOT_FOUND', `no staff member ${staffId}`);
    return staffView(staff);
  }

  async getStudent(studentId: string): Promise<StudentView> {
    const repository = this.dataSource.getRepository(Student);
    const student = await repository.findOneBy({ id: studentId });
    if (!student) throw new DomainError('STUDENT_NOT_FOUND', `no student ${studentId}`);
    const sharing = student.smsPhone
      ? await repository
          .createQueryBuilder('student')
          .select('student.id', 'id')
          .where('student.smsPhone = :phone AND student.id <> :id', {
            phone: student.smsPhone,
            id: student.id,
          })
          .orderBy('student.id')
          .getRawMany<{ id: string }>()
      : [];
    return studentView(
      student,
      sharing.map((row) => row.id),
    );
  }

  /**
   * Students whose name or email contains `q`, or whose phone contains its digits; in name order.
   * `before` is the cursor of the previous page (`nextBefore`): the page continues after it.
   */
  async searchStudents(
    request: SearchStudentsRequest,
  ): Promise<{ items: StudentView[]; nextBefore: string | null }> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const query = this.dataSource
      .getRepository(Student)
      .createQueryBuilder('student')
      .orderBy('lower(student.name)', 'ASC')
      .addOrderBy('student.id', 'ASC')
      .limit(limit + 1);
    const q = request.q?.trim();
    if (q) {
      // Only a query written like a phone number (digits and phone punctuation) searches phones.
      const digits = /^[\d\s()+.-]+$/.test(q) ? q.replace(/\D/g, '') : '';
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.where(
        digits.length >= 3
          ? '(student.name ILIKE :like OR student.email ILIKE :like OR student.smsPhone LIKE :digits)'
          : '(student.name ILIKE :like OR student.email ILIKE :like)',
        { like, digits: `%${digits}%` },
      );
    }
    if (request.before) {
      const cursor = decodeCursor(request.before, 2);
      if (!cursor)
        throw new DomainError('INVALID_INPUT', 'before: not a cursor this search gave out');
      const [name, id] = cursor;
      query.andWhere('(lower(student.name), student.id) > (:name, :id)', { name, id });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((student) => studentView(student)),
      nextBefore:
        rows.length > limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
    };
  }
}
