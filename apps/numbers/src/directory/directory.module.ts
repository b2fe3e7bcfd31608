import { Module } from '@nestjs/common';
import { DirectoryTables1764240000300 } from '../migrations/1764240000300-directory-tables';
import { DirectoryController } from './directory.controller';
import { DirectoryQueries } from './directory.queries';
import { ImportStudentsUseCase } from './import-students.use-case';
import { SendContextUseCase } from './send-context.use-case';
import { Staff } from './staff.entity';
import { Student } from './student.entity';
import { UpsertStaffUseCase } from './upsert-staff.use-case';
import { UpsertStudentUseCase } from './upsert-student.use-case';

/** Staff and students: upserts, lookups, search, bulk import, and the send context. */
@Module({
  controllers: [DirectoryController],
  providers: [
    DirectoryQueries,
    UpsertStaffUseCase,
    UpsertStudentUseCase,
    ImportStudentsUseCase,
    SendContextUseCase,
  ],
})
export class DirectoryModule {}

export const DIRECTORY_MIGRATIONS = [DirectoryTables1764240000300];
export const DIRECTORY_ENTITIES = [Staff, Student];
