import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, SmsStatusReportedPayload } from '@fidelis/contracts';
import { MessageStore } from '../messages/message-store';
import { StatusReport } from './status-report.entity';

/**
 * Records each status Twilio reported, once per (MessageSid, status), and moves the message
 * forward — never back: reports come late, out of order and twice. A report that comes before
 * the send was recorded is applied when it is (MessageStore.recordAccepted).
 */
@Injectable()
export class RecordStatusReportUseCase {
  constructor(private readonly store: MessageStore) {}

  async execute(
    event: EventEnvelope<SmsStatusReportedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const report = event.payload;
    await this.store.lockSid(manager, report.messageSid);
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
    await this.store.applyStatus(
      manager,
      report.messageSid,
      report.status,
      report.errorCode,
      event,
    );
  }
}
