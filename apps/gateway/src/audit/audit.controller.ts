import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { AuditRecordedPayload, EventEnvelope, SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventContext, OnEvent } from '@fidelis/runtime';
import { Caller, CurrentCaller, Roles } from '../auth/auth.decorators';
import { AuditTrailService } from './audit-trail.service';

@ApiTags('Audit')
@ApiBearerAuth()
@Controller('api')
export class AuditController {
  constructor(private readonly audit: AuditTrailService) {}

  /** Every service reports its changes as `AuditRecorded`; the gateway keeps the trail. */
  @OnEvent(SUBSCRIPTIONS.gatewayAuditRecorded)
  record(
    @Payload() event: EventEnvelope<AuditRecordedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.audit.store(event, context.manager);
  }

  @Get('audit')
  @Roles('admin')
  @ApiOperation({ summary: 'Who changed what, and when (admin); newest first' })
  @ApiQuery({ name: 'actor', required: false, description: 'staff id of whoever made the change' })
  @ApiQuery({ name: 'action', required: false, example: 'number.assigned' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601: at or after' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601: before' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'cursor: nextBefore of the last page' })
  find(
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) {
      throw new BadRequestException('limit must be a whole number from 1 to 500');
    }
    const filters = { actor, action, since: time('since', since), until: time('until', until) };
    return this.audit.find({ ...filters, limit: size, before });
  }

  @Get('audit.csv')
  @Roles('admin')
  @ApiOperation({
    summary: 'The audit trail as a CSV file (admin): every entry the filters match, newest first',
    description:
      'Columns `at,actor,action,targetType,targetId,before,after` (`before`/`after` as JSON). ' +
      'The download is itself audited (`audit.exported`).',
  })
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601: at or after' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601: before' })
  async download(
    @CurrentCaller() caller: Caller,
    @Res() response: Response,
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
  ): Promise<void> {
    const filters = { actor, action, since: time('since', since), until: time('until', until) };
    await this.audit.record({
      actorId: caller.staffId,
      action: 'audit.exported',
      targetType: 'audit',
      targetId: 'audit.csv',
      before: null,
      after: {
        actor: actor ?? null,
        action: action ?? null,
        since: since ?? null,
        until: until ?? null,
      },
    });
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    const csv = stringify({ header: true, columns: AUDIT_CSV_COLUMNS });
    csv.pipe(response);
    // A page at a time, so a long trail never sits in memory whole.
    let before: string | undefined;
    do {
      const page = await this.audit.find({ ...filters, limit: 500, before });
      for (const entry of page.items) {
        const row = [
          entry.at.toISOString(),
          entry.actorId,
          entry.action,
          entry.targetType,
          entry.targetId,
          entry.before === null ? '' : JSON.stringify(entry.before),
          entry.after === null ? '' : JSON.stringify(entry.after),
        ];
        if (!csv.write(row)) await once(csv, 'drain');
      }
      before = page.nextBefore ?? undefined;
    } while (before);
    csv.end();
    await finished(response);
  }
}

const AUDIT_CSV_COLUMNS = ['at', 'actor', 'action', 'targetType', 'targetId', 'before', 'after'];

/** An optional ISO 8601 filter, refused with 400 naming it when it is not a time. */
function time(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new BadRequestException(`${name} must be an ISO 8601 time`);
  return date;
}
