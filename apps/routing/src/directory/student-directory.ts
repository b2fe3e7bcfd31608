import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Student } from './student.entity';

/** Looks up routing's copy of the students. */
@Injectable()
export class StudentDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** Every student whose SMS phone is `phone` (E.164); several may share one. */
  byPhone(phone: string, manager: EntityManager = this.dataSource.manager): Promise<Student[]> {
    return manager.find(Student, { where: { smsPhone: phone }, order: { studentId: 'ASC' } });
  }
}
