import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MailClient } from '@fidelis/mail';
import { RetentionCopies, ServiceModule } from '@fidelis/runtime';
import { NotificationConfig } from './config';
import { StaffMember } from './directory/staff-member.entity';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { NotifyInboundSmsUseCase } from './inbound/notify-inbound-sms.use-case';
import { NotificationStaffCopy1764240000600 } from './migrations/1764240000600-staff-copy';
import { NotificationWebPush1764240000800 } from './migrations/1764240000800-web-push';
import { NotificationEventsController } from './notification-events.controller';
import { PushController } from './push/push.controller';
import { NotificationRetentionController } from './retention/retention-applied.controller';
import { SubscribePushUseCase } from './push/subscribe-push.use-case';
import { UnsubscribePushUseCase } from './push/unsubscribe-push.use-case';
import { loadVapidDetails, VAPID_DETAILS } from './push/vapid-keys';
import { WebPushClient } from './push/web-push.client';
import { NotifyUndeliverableUseCase } from './undeliverable/notify-undeliverable.use-case';

@Module({})
export class NotificationModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: NotificationModule,
      imports: [
        ServiceModule.forRoot({
          service: 'notification',
          databaseUrl: config.DATABASE_URL,
          rabbitmqUrl: config.RABBITMQ_URL,
          entities: [StaffMember],
          migrations: [NotificationStaffCopy1764240000600, NotificationWebPush1764240000800],
        }),
      ],
      providers: [
        {
          provide: VAPID_DETAILS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => loadVapidDetails(config, dataSource),
        },
        {
          provide: MailClient,
          useFactory: () => new MailClient({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
        },
        WebPushClient,
        RetentionCopies,
        UpsertStaffUseCase,
        SubscribePushUseCase,
        UnsubscribePushUseCase,
        NotifyInboundSmsUseCase,
        NotifyUndeliverableUseCase,
      ],
      controllers: [NotificationEventsController, PushController, NotificationRetentionController],
    };
  }
}
