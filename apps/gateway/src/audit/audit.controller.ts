import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditRecordedPayload, EventEnvelope, SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventContext, OnEvent } from '@fidelis/runtime';
import { Roles } from '../auth/auth.decorators';
import { AuditTrailService } from './audit-trail.service';

@ApiTags('Audit')
@ApiBearerAuth()
@Controller('api/audit')
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

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Who changed what, and when (admin); newest first' })
  @ApiQuery({ name: 'actor', required: false, description: 'staff id of whoever made the change' })
  @ApiQuery({ name: 'action', required: false, example: 'number.assigned' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 time' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'cursor: nextBefore of the last page' })
  find(
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('since') since?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    const sinceDate = since === undefined ? undefined : new Date(since);
    if (sinceDate && Number.isNaN(sinceDate.getTime())) {
      throw new BadRequestException('since must be an ISO 8601 time');
    }
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) {
      throw new BadRequestException('limit must be a whole number from 1 to 500');
    }
    return this.audit.find({ actor, action, since: sinceDate, limit: size, before });
  }
}
