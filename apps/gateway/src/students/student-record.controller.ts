import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { firstValueFrom } from 'rxjs';
import {
  ConsentChangeView,
  GetStudent,
  RoutedMessageView,
  StaffOptOut,
  StudentConsent,
  StudentMessages,
  StudentView,
} from '@fidelis/contracts';
import { BrokerClient } from '@fidelis/runtime';
import { AuditTrailService } from '../audit/audit-trail.service';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';

// Shapes for the API description.

class ConsentChangeDoc {
  @ApiProperty({ description: 'Our number (E.164)' })
  number: string;

  @ApiProperty({ description: "The student's phone the change applies to (E.164)" })
  studentPhone: string;

  @ApiProperty()
  optedOut: boolean;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({
    description:
      '`{ kind: "message", messageId }` (a keyword), `{ kind: "staff", staffId, messageId }` ' +
      '(a staff member confirmed a message asking to stop) or `{ kind: "twilio", messageId }` ' +
      '(Twilio refused a send: 21610)',
  })
  source: object;
}

export class StaffOptOutBody {
  @ApiPropertyOptional({
    example: '+14155550100',
    description: 'One of our numbers (E.164); without it, every number of ours',
  })
  number?: string;
}

/** A fallback email as it went to the student, for the export. */
interface FallbackEmail {
  messageId: string;
  to: string;
  status: string;
  at: string;
  body: string;
}

/** Everything the system keeps about a student (FERPA: a student may see their record). */
export interface StudentRecord {
  exportedAt: string;
  exportedBy: string;
  student: StudentView;
  /** Every SMS both ways, oldest first, with status, `route`, `flags` and any email `fallback`. */
  messages: RoutedMessageView[];
  /** Every email that carried a text SMS could not, oldest first. */
  emails: FallbackEmail[];
  /** Every change of their SMS status per number, newest first. */
  consent: ConsentChangeView[];
  /** Audit entries about the student or a message of theirs, oldest first. */
  audit: {
    at: string;
    actorId: string;
    action: string;
    targetType: string;
    targetId: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }[];
}

/**
 * A student's consent history and complete record. Both ask the directory's owner (numbers)
 * for the student first: an unknown student is a 404 there, and the SMS phone is the current one.
 */
@ApiTags('Compliance')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid token' })
@Controller('api/students/:studentId')
export class StudentRecordController {
  constructor(
    private readonly services: BrokerClient,
    private readonly audit: AuditTrailService,
  ) {}

  @Get('consent')
  @ApiOperation({
    summary:
      "A student's consent history (any staff): every change of their SMS status, newest first",
    description:
      'Per number: opted out or in, when, and what made it — a keyword message, a staff ' +
      'member confirming a message that asked to stop, or Twilio refusing a send (21610).',
  })
  @ApiResponse({ status: 200, type: [ConsentChangeDoc] })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  async consent(@Param('studentId') studentId: string): Promise<ConsentChangeView[]> {
    const student = await firstValueFrom(this.services.send(GetStudent, { studentId }));
    return firstValueFrom(
      this.services.send(StudentConsent, { studentId, smsPhone: student.smsPhone }),
    );
  }

  @Post('opt-out')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record that the student asked, by email, phone or in person, to stop (any staff)',
    description:
      "Opts the student's SMS phone out of `number` (or of every number of ours) exactly as a " +
      'STOP would; later sends go by email. In the consent history with you as its source; ' +
      'audited as `student.opted-out`. The student opts back in by texting START.',
  })
  @ApiResponse({ status: 200, type: [ConsentChangeDoc], description: 'The consent history now' })
  @ApiResponse({ status: 400, description: 'Not one of our numbers, or no SMS phone' })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  async optOut(
    @CurrentCaller() caller: Caller,
    @Param('studentId') studentId: string,
    @Body() body?: StaffOptOutBody,
  ): Promise<ConsentChangeView[]> {
    const student = await firstValueFrom(this.services.send(GetStudent, { studentId }));
    return firstValueFrom(
      this.services.send(StaffOptOut, {
        actorId: caller.staffId,
        studentId,
        smsPhone: student.smsPhone,
        number: body?.number,
      }),
    );
  }

  @Get('export')
  @Roles('admin')
  @ApiOperation({
    summary: "A student's complete record as a JSON file (admin)",
    description:
      'The profile, every SMS both ways and every fallback email with statuses and `route`, ' +
      'the consent history, and the audit entries about the student or a message of theirs. ' +
      'Audited as `student.exported`.',
  })
  @ApiProduces('application/json')
  @ApiResponse({ status: 200, description: 'The record, as an attachment' })
  @ApiResponse({ status: 403, description: 'Not an admin' })
  @ApiResponse({ status: 404, description: 'Unknown student' })
  async export(
    @CurrentCaller() caller: Caller,
    @Param('studentId') studentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StudentRecord> {
    const student = await firstValueFrom(this.services.send(GetStudent, { studentId }));
    const [messages, consent] = await Promise.all([
      firstValueFrom(this.services.send(StudentMessages, { studentId }, 60_000)),
      firstValueFrom(this.services.send(StudentConsent, { studentId, smsPhone: student.smsPhone })),
    ]);
    const entries = await this.audit.about([studentId, ...messages.map((message) => message.id)]);
    // Recorded before the answer leaves: nobody holds a record whose export is not in the trail.
    await this.audit.record({
      actorId: caller.staffId,
      action: 'student.exported',
      targetType: 'student',
      targetId: studentId,
      before: null,
      after: { messages: messages.length, consentChanges: consent.length, audit: entries.length },
    });
    const exportedAt = new Date().toISOString();
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="student-${fileSafe(studentId)}-${exportedAt.slice(0, 10)}.json"`,
    );
    return {
      exportedAt,
      exportedBy: caller.staffId,
      student,
      messages,
      emails: messages.flatMap((message) =>
        message.fallback
          ? [
              {
                messageId: message.id,
                to: message.fallback.to,
                status: message.fallback.status,
                at: message.fallback.at,
                body: message.body,
              },
            ]
          : [],
      ),
      consent,
      audit: entries.map((entry) => ({
        at: entry.at.toISOString(),
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        before: entry.before,
        after: entry.after,
      })),
    };
  }
}

/** A student id as part of a file name: anything but letters, digits, `-` and `_` becomes `_`. */
function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
}
