import { Injectable, OnModuleInit } from '@nestjs/common';
import { SUBSCRIPTIONS } from '@fidelis/contracts';
import { EventConsumers } from '@fidelis/runtime';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { RecordStatusReportUseCase } from './status/record-status-report.use-case';

@Injectable()
export class MessagingConsumers implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly storeInboundSms: StoreInboundSmsUseCase,
    private readonly recordStatusReport: RecordStatusReportUseCase,
  ) {}

  onModuleInit(): void {
    this.consumers.register(SUBSCRIPTIONS.messagingSmsReceived, (event, manager) =>
      this.storeInboundSms.execute(event, manager),
    );
    this.consumers.register(SUBSCRIPTIONS.messagingSmsStatusReported, (event, manager) =>
      this.recordStatusReport.execute(event, manager),
    );
  }
}
