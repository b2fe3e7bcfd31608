import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { MessagingConfig } from './config';
import { InboundMessage } from './inbound/inbound-message.entity';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { MessagingConsumers } from './messaging.consumers';
import { MessageStore1764240000100 } from './migrations/1764240000100-message-store';
import { RecordStatusReportUseCase } from './status/record-status-report.use-case';
import { StatusReport } from './status/status-report.entity';

@Module({})
export class MessagingModule {
  static forRoot(config: MessagingConfig): DynamicModule {
    return {
      module: MessagingModule,
      imports: [
        ServiceModule.forRoot({
          service: 'messaging',
          databaseUrl: config.DATABASE_URL,
          rabbitmqUrl: config.RABBITMQ_URL,
          entities: [InboundMessage, StatusReport],
          migrations: [MessageStore1764240000100],
        }),
      ],
      providers: [StoreInboundSmsUseCase, RecordStatusReportUseCase, MessagingConsumers],
    };
  }
}
