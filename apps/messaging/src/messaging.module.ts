import { DynamicModule, Module } from '@nestjs/common';
import { MailClient } from '@fidelis/mail';
import { ServiceModule } from '@fidelis/runtime';
import { MESSAGING_CONFIG, MessagingConfig } from './config';
import { DirectoryCopy } from './directory/directory-copy';
import { StaffMember } from './directory/staff-member.entity';
import { Student } from './directory/student.entity';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { FallbackMailer, MAIL_CLIENT } from './fallback/fallback-mailer';
import { QuietHours } from './sending/quiet-hours';
import { ScheduledMessagesQueries } from './sending/scheduled-messages.queries';
import { ScheduledSends } from './sending/scheduled-sends';
import { StoreInboundSmsUseCase } from './inbound/store-inbound-sms.use-case';
import { AttributeMessageUseCase } from './messages/attribute-message.use-case';
import { GetMessageUseCase } from './messages/get-message.use-case';
import { MessageStore } from './messages/message-store';
import { MessagingEventsController } from './messaging-events.controller';
import { MessageStore1764240000100 } from './migrations/1764240000100-message-store';
import { SmsViewsController } from './views/sms-views.controller';
import { SmsViewsQueries } from './views/sms-views.queries';
import { InboundConversations1764240000800 } from './migrations/1764240000800-inbound-conversations';
import { UnattributedRepliesIndex1764240000900 } from './migrations/1764240000900-unattributed-replies-index';
import { MessagingDirectoryCopy1764240000600 } from './migrations/1764240000600-directory-copy';
import { Outbound1764240000700 } from './migrations/1764240000700-outbound';
import { PacingAnswers1764240001000 } from './migrations/1764240001000-pacing-answers';
import { Routes1764240001100 } from './migrations/1764240001100-routes';
import { ScheduledSends1764240001200 } from './migrations/1764240001200-scheduled-sends';
import { PhoneHistory1764240001210 } from './migrations/1764240001210-phone-history';
import { Retention1764240001400 } from './migrations/1764240001400-retention';
import { Consent1764240001300 } from './migrations/1764240001300-consent';
import { ConsentController } from './opt-outs/consent.controller';
import { DecideOptOutUseCase } from './opt-outs/decide-opt-out.use-case';
import { StaffOptOutUseCase } from './opt-outs/staff-opt-out.use-case';
import { LegalHolds } from './retention/legal-holds';
import { LiftLegalHoldUseCase } from './retention/lift-legal-hold.use-case';
import { PurgeExpiredMessagesUseCase } from './retention/purge-expired-messages.use-case';
import { RetentionController } from './retention/retention.controller';
import { RetentionSchedule } from './retention/retention-schedule';
import { SetLegalHoldUseCase } from './retention/set-legal-hold.use-case';
import { NumberHolders } from './number-holders/number-holders';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';
import { OptOuts } from './opt-outs/opt-outs';
import { RecordOptOutUseCase } from './opt-outs/record-opt-out.use-case';
import { BulkProgressUseCase } from './sending/bulk-progress.use-case';
import { BulkUndeliveredUseCase } from './sending/bulk-undelivered.use-case';
import { SendingController } from './sending/sending.controller';
import { SendBulkUseCase } from './sending/send-bulk.use-case';
import { SendContext } from './sending/send-context';
import { SendMessageUseCase } from './sending/send-message.use-case';
import { SendQueue } from './sending/send-queue';
import { SendWorker } from './sending/send-worker';
import { TwilioSmsClient } from './sending/twilio-sms.client';
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
          entities: [StatusReport, Student, StaffMember],
          migrations: [
            MessageStore1764240000100,
            MessagingDirectoryCopy1764240000600,
            Outbound1764240000700,
            InboundConversations1764240000800,
            UnattributedRepliesIndex1764240000900,
            PacingAnswers1764240001000,
            Routes1764240001100,
            ScheduledSends1764240001200,
            PhoneHistory1764240001210,
            Consent1764240001300,
            Retention1764240001400,
          ],
        }),
      ],
      providers: [
        SmsViewsQueries,
        { provide: MESSAGING_CONFIG, useValue: config },
        {
          provide: MAIL_CLIENT,
          useFactory: () => new MailClient({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
        },
        StoreInboundSmsUseCase,
        RecordStatusReportUseCase,
        DirectoryCopy,
        UpsertStudentUseCase,
        UpsertStaffUseCase,
        RecordNumberAssignedUseCase,
        RecordNumberUnassignedUseCase,
        RecordNumberReleasedUseCase,
        RecordOptOutUseCase,
        DecideOptOutUseCase,
        StaffOptOutUseCase,
        NumberHolders,
        OptOuts,
        MessageStore,
        SendContext,
        SendQueue,
        TwilioSmsClient,
        SendWorker,
        FallbackMailer,
        QuietHours,
        ScheduledSends,
        ScheduledMessagesQueries,
        SendMessageUseCase,
        SendBulkUseCase,
        BulkProgressUseCase,
        BulkUndeliveredUseCase,
        GetMessageUseCase,
        AttributeMessageUseCase,
        LegalHolds,
        SetLegalHoldUseCase,
        LiftLegalHoldUseCase,
        PurgeExpiredMessagesUseCase,
        RetentionSchedule,
      ],
      controllers: [
        MessagingEventsController,
        SendingController,
        SmsViewsController,
        RetentionController,
        ConsentController,
      ],
      exports: [NumberHolders],
    };
  }
}
