import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseBoolPipe,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { firstValueFrom, forkJoin } from 'rxjs';
import {
  DomainError,
  GetStaff,
  GetStudent,
  ImportResult,
  ImportStudents,
  ListStaff,
  MANAGER_ROLES,
  NumberOfStaff,
  SearchStudents,
  UpsertStaff,
  UpsertStudent,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';
import { StaffBody, StudentBody, StudentRow } from './directory.dto';
import { parseStudentsCsv } from './students-csv';

/** Staff and students, upserted by the platform that owns them; read by the dashboard. */
@ApiTags('Directory')
@ApiBearerAuth()
@Controller('api')
export class DirectoryController {
  constructor(private readonly services: BrokerClient) {}

  @Put('staff/:staffId')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or update a staff member (admin)' })
  upsertStaff(
    @CurrentCaller() caller: Caller,
    @Param('staffId') staffId: string,
    @Body() body: StaffBody,
  ) {
    return this.services.send(UpsertStaff, { ...body, staffId, actorId: caller.staffId });
  }

  @Get('staff')
  @Roles('admin', ...MANAGER_ROLES)
  @ApiOperation({ summary: 'Every staff member (admin, managers)' })
  listStaff() {
    return this.services.send(ListStaff, {});
  }

  @Put('students/:studentId')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or update a student (admin); smsPhone stored in E.164' })
  upsertStudent(
    @CurrentCaller() caller: Caller,
    @Param('studentId') studentId: string,
    @Body() body: StudentBody,
  ) {
    return this.services.send(UpsertStudent, {
      actorId: caller.staffId,
      student: { ...body, id: studentId },
    });
  }

  @Post('students/import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Import up to 10,000 students, all-or-nothing (admin), as JSON or CSV',
    description:
      'A JSON array of students, or `text/csv` with a header row naming the columns ' +
      '`id,name,email,smsPhone,timezone` (RFC 4180; CRLF or LF). One bad row rejects the ' +
      'import: 400 with `details.rows` = [{ index, id, problems }] (and `line`, the line of the ' +
      'CSV file the row starts on). `dryRun=true` checks every row and imports nothing: ' +
      '`{ imported: 0, checked, sample }`, `sample` being the first rows as they will be stored.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ type: [StudentRow] })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  async importStudents(
    @CurrentCaller() caller: Caller,
    // JSON arrives parsed; CSV (the only other type this address takes) as its text.
    @Body() body: unknown,
    @Query('dryRun', new ParseBoolPipe({ optional: true })) dryRun?: boolean,
  ): Promise<ImportResult> {
    const csv = typeof body === 'string' ? parseStudentsCsv(body) : null;
    const import$ = this.services.send(
      ImportStudents,
      { actorId: caller.staffId, rowsJson: JSON.stringify(csv ? csv.rows : body), dryRun },
      60_000,
    );
    try {
      return await firstValueFrom(import$);
    } catch (error) {
      throw csv ? withCsvLines(error, csv.lines) : error;
    }
  }

  @Get('students')
  @ApiOperation({ summary: 'Find students by name, email or phone (any staff), in name order' })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiQuery({ name: 'before', required: false, description: 'cursor: nextBefore of the last page' })
  searchStudents(
    @Query('q') q?: string,
    @Query('limit', new ParseIntPipe({ optional: true })) limit?: number,
    @Query('before') before?: string,
  ) {
    return this.services.send(SearchStudents, { q, limit, before });
  }

  @Get('students/:studentId')
  @ApiOperation({ summary: 'A student (any staff), with the students who share their SMS phone' })
  getStudent(@Param('studentId') studentId: string) {
    return this.services.send(GetStudent, { studentId });
  }

  @Get('me')
  @ApiOperation({ summary: 'The caller: staff record and the Twilio number they hold' })
  async me(@CurrentCaller() caller: Caller) {
    const [staff, number] = await firstValueFrom(
      forkJoin([
        this.services.send(GetStaff, { staffId: caller.staffId }),
        this.services.send(NumberOfStaff, { staffId: caller.staffId }),
      ]),
    );
    return { ...staff, number };
  }
}

/** Each bad row of a CSV import also names the line of the file it starts on. */
function withCsvLines(error: unknown, lines: number[]): unknown {
  if (!(error instanceof DomainError)) return error;
  const { rows } = (error.details ?? {}) as { rows?: { index: number }[] };
  if (!Array.isArray(rows)) return error;
  return new DomainError(error.code, error.message, {
    rows: rows.map((row) => ({ ...row, line: lines[row.index] })),
  });
}
