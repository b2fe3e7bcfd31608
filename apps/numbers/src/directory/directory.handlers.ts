import { Injectable, OnModuleInit } from '@nestjs/common';
import { Broker } from '@fidelis/broker';
import {
  GetStaff,
  GetStudent,
  ImportStudents,
  ListStaff,
  SearchStudents,
  GetSendContext,
  UpsertStaff,
  UpsertStudent,
} from '@fidelis/contracts';
import { DirectoryQueries } from './directory.queries';
import { ImportStudentsUseCase } from './import-students.use-case';
import { SendContextUseCase } from './send-context.use-case';
import { UpsertStaffUseCase } from './upsert-staff.use-case';
import { UpsertStudentUseCase } from './upsert-student.use-case';

/** The directory's answers to the gateway's requests, and to messaging's before a send. */
@Injectable()
export class DirectoryHandlers implements OnModuleInit {
  constructor(
    private readonly broker: Broker,
    private readonly queries: DirectoryQueries,
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly importStudents: ImportStudentsUseCase,
    private readonly sendContext: SendContextUseCase,
  ) {}

  onModuleInit(): void {
    this.broker.handle(UpsertStaff, (request) => this.upsertStaff.execute(request));
    this.broker.handle(ListStaff, () => this.queries.listStaff());
    this.broker.handle(GetStaff, ({ staffId }) => this.queries.getStaff(staffId));
    this.broker.handle(UpsertStudent, (request) => this.upsertStudent.execute(request));
    this.broker.handle(GetStudent, ({ studentId }) => this.queries.getStudent(studentId));
    this.broker.handle(SearchStudents, (request) => this.queries.searchStudents(request));
    this.broker.handle(ImportStudents, (request) => this.importStudents.execute(request));
    this.broker.handle(GetSendContext, (request) => this.sendContext.execute(request));
  }
}
