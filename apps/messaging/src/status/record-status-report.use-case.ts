import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, SmsStatusReportedPayload } from '@fidelis/contracts';
import { StatusReport } from './status-report.entity';

/** Records each status Twilio reported for a message, once per (MessageSid, status). */
@Injectable()
export class RecordStatusReportUseCase {
  async execute(
    event: EventEnvelope<SmsStatusReportedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const report = event.payload;
    await manager
      .createQueryBuilder()
      .insert()
      .into(StatusReport)
      .values({
        messageSid: report.messageSid,
        status: report.status,
        errorCode: report.errorCode,
        reportedAt: new Date(report.reportedAt),
      })
      .orIgnore()
      .execute();
  }
}
