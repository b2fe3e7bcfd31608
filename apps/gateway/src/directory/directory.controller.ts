import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { firstValueFrom, forkJoin } from 'rxjs';
import {
  GetStaff,
  GetStudent,
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
    summary: 'Import up to 10,000 students, all-or-nothing (admin)',
    description:
      'One bad row rejects the import: 400 with `details.rows` = [{ index, id, problems }].',
  })
  @ApiBody({ type: [StudentRow] })
  importStudents(@CurrentCaller() caller: Caller, @Body() rows: unknown) {
    return this.services.send(
      ImportStudents,
      { actorId: caller.staffId, rowsJson: JSON.stringify(rows) },
      60_000,
    );
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
