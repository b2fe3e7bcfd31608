import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import {
  DomainError,
  GetLegalHold,
  LegalHoldView,
  LiftLegalHold,
  RetentionReport,
  RunRetention,
  SetLegalHold,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';

// Shapes for the API description; the messaging service validates every field.

/** Every field is optional, so a body that is not an object would pass for an empty one. */
function objectBody<T extends object>(body: unknown): Partial<T> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('INVALID_INPUT', 'the body must be a JSON object');
  }
  return body;
}

export class LegalHoldBody {
  @ApiPropertyOptional({ description: 'Why (a case number, say); at most 500 characters' })
  reason?: string;
}

export class RunRetentionBody {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The job\'s "now" (ISO 8601): the cutoff is this minus RETENTION_DAYS',
  })
  now?: string;
}

class RetentionReportDoc {
  @ApiProperty({ nullable: true, format: 'date-time' })
  cutoff: string | null;

  @ApiProperty({ description: 'Messages emptied per store, `<schema>.<table>`' })
  purged: Record<string, number>;

  @ApiProperty()
  heldStudents: number;
}

/**
 * Legal holds (admins): while a student is held, retention keeps the text of every message with
 * them. Setting and lifting are audited (`student.legal-hold-set`, `student.legal-hold-lifted`).
 */
@ApiTags('Retention')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid token' })
@ApiResponse({ status: 403, description: 'Not an admin' })
@Roles('admin')
@Controller('api/students/:studentId/legal-hold')
export class LegalHoldController {
  constructor(private readonly services: BrokerClient) {}

  @Get()
  @ApiOperation({ summary: "A student's legal hold (admin)" })
  @ApiResponse({ status: 200, description: '`{ studentId, held, reason, setBy, setAt }`' })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  get(@Param('studentId') studentId: string): Observable<LegalHoldView> {
    return this.services.send(GetLegalHold, { studentId });
  }

  @Put()
  @ApiOperation({
    summary: 'Put a student under a legal hold (admin)',
    description:
      'Retention keeps their messages until the hold is lifted. Again: the reason changes.',
  })
  @ApiResponse({ status: 200, description: 'The hold' })
  @ApiResponse({
    status: 400,
    description: 'The body is not an object, or reason not a string or over 500 characters',
  })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  set(
    @CurrentCaller() caller: Caller,
    @Param('studentId') studentId: string,
    @Body() body?: LegalHoldBody,
  ): Observable<LegalHoldView> {
    return this.services.send(SetLegalHold, {
      actorId: caller.staffId,
      studentId,
      reason: objectBody<LegalHoldBody>(body).reason,
    });
  }

  @Delete()
  @ApiOperation({
    summary: "Lift a student's legal hold (admin)",
    description: "The next retention run purges their old messages like anyone's.",
  })
  @ApiResponse({ status: 200, description: 'The student, no longer held' })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  lift(
    @CurrentCaller() caller: Caller,
    @Param('studentId') studentId: string,
  ): Observable<LegalHoldView> {
    return this.services.send(LiftLegalHold, { actorId: caller.staffId, studentId });
  }
}

/**
 * Runs the daily retention job now, with a given clock, to try RETENTION_DAYS out (and for the
 * tests). The gateway registers it only outside production, and messaging refuses it there too.
 */
@ApiTags('Retention')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/dev/retention')
export class RetentionDevController {
  constructor(private readonly services: BrokerClient) {}

  @Post('run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run retention now (admin, not in production)' })
  @ApiResponse({ status: 200, type: RetentionReportDoc })
  @ApiResponse({ status: 400, description: '`now` is not an ISO 8601 time' })
  run(
    @CurrentCaller() caller: Caller,
    @Body() body?: RunRetentionBody,
  ): Observable<RetentionReport> {
    const { now } = objectBody<RunRetentionBody>(body);
    return this.services.send(RunRetention, { actorId: caller.staffId, now });
  }
}
