import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { MessagingConfig } from './config';
import { StaffMember } from './directory/staff-member.entity';
import { Student } from './directory/student.entity';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { InboundMessage } from './inbound/inbound-message.entity';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { MessagingConsumers } from './messaging.consumers';
import { MessageStore1764240000100 } from './migrations/1764240000100-message-store';
import { MessagingDirectoryCopy1764240000600 } from './migrations/1764240000600-directory-copy';
import { NumberHolders } from './number-holders/number-holders';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';
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
          entities: [InboundMessage, StatusReport, Student, StaffMember],
          migrations: [MessageStore1764240000100, MessagingDirectoryCopy1764240000600],
        }),
      ],
      providers: [
        StoreInboundSmsUseCase,
        RecordStatusReportUseCase,
        UpsertStudentUseCase,
        UpsertStaffUseCase,
        RecordNumberAssignedUseCase,
        RecordNumberUnassignedUseCase,
        RecordNumberReleasedUseCase,
        NumberHolders,
        MessagingConsumers,
      ],
      exports: [NumberHolders],
    };
  }
}
