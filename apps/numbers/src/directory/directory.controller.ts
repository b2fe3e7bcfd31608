import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetSendContext,
  GetStaff,
  GetStudent,
  ImportStudents,
  ImportStudentsRequest,
  ListStaff,
  SearchStudents,
  SearchStudentsRequest,
  SendContextRequest,
  StaffIdRequest,
  StudentIdRequest,
  UpsertStaff,
  UpsertStaffRequest,
  UpsertStudent,
  UpsertStudentRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { DirectoryQueries } from './directory.queries';
import { ImportStudentsUseCase } from './import-students.use-case';
import { SendContextUseCase } from './send-context.use-case';
import { UpsertStaffUseCase } from './upsert-staff.use-case';
import { UpsertStudentUseCase } from './upsert-student.use-case';

/** The directory's answers to the gateway's requests, and to messaging's before a send. */
@Controller()
export class DirectoryController {
  constructor(
    private readonly queries: DirectoryQueries,
    private readonly upsertStaff: UpsertStaffUseCase,
    private readonly upsertStudent: UpsertStudentUseCase,
    private readonly importStudents: ImportStudentsUseCase,
    private readonly sendContext: SendContextUseCase,
  ) {}

  @OnRequest(UpsertStaff)
  putStaff(@Payload() request: UpsertStaffRequest) {
    return this.upsertStaff.execute(request);
  }

  @OnRequest(ListStaff)
  listStaff() {
    return this.queries.listStaff();
  }

  @OnRequest(GetStaff)
  getStaff(@Payload() { staffId }: StaffIdRequest) {
    return this.queries.getStaff(staffId);
  }

  @OnRequest(UpsertStudent)
  putStudent(@Payload() request: UpsertStudentRequest) {
    return this.upsertStudent.execute(request);
  }

  @OnRequest(GetStudent)
  getStudent(@Payload() { studentId }: StudentIdRequest) {
    return this.queries.getStudent(studentId);
  }

  @OnRequest(SearchStudents)
  searchStudents(@Payload() request: SearchStudentsRequest) {
    return this.queries.searchStudents(request);
  }

  @OnRequest(ImportStudents)
  import(@Payload() request: ImportStudentsRequest) {
    return this.importStudents.execute(request);
  }

  @OnRequest(GetSendContext)
  getSendContext(@Payload() request: SendContextRequest) {
    return this.sendContext.execute(request);
  }
}
