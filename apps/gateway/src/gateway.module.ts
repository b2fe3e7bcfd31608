import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { RetentionCopies, ServiceModule } from '@fidelis/runtime';
import { AuditEntry } from './audit/audit-entry.entity';
import { AuditTrailService } from './audit/audit-trail.service';
import { AuditController } from './audit/audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { DevSignInController } from './auth/dev-sign-in.controller';
import { DirectoryController } from './directory/directory.controller';
import { SmsController } from './sms/sms.controller';
import { StudentRecordController } from './students/student-record.controller';
import { AuditEntries1764240000310 } from './migrations/1764240000310-audit-entries';
import { AuditTargets1764240001300 } from './migrations/1764240001300-audit-targets';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { DomainErrorFilter } from './http/domain-error.filter';
import { EventsController } from './events/events.controller';
import { LiveEvents } from './events/live-events.service';
import { HealthController } from './health/health.controller';
import { MessagesController } from './messages/messages.controller';
import { NumbersController } from './numbers/numbers.controller';
import { PushController } from './push/push.controller';
import { LegalHoldController, RetentionDevController } from './retention/legal-hold.controller';
import { GatewayRetentionController } from './retention/retention-applied.controller';
import { ReceivedWebhooks1764240000200 } from './migrations/1764240000200-received-webhooks';
import { AcceptWebhookUseCase } from './webhooks/accept-webhook.use-case';
import { TwilioSignatureGuard } from './webhooks/twilio-signature.guard';
import { TwilioWebhooksController } from './webhooks/twilio-webhooks.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceModule.forRoot({
          service: 'gateway',
          databaseUrl: config.DATABASE_URL,
          rabbitmqUrl: config.RABBITMQ_URL,
          entities: [AuditEntry],
          migrations: [
            ReceivedWebhooks1764240000200,
            AuditEntries1764240000310,
            AuditTargets1764240001300,
          ],
        }),
        TerminusModule.forRoot({ logger: false }),
        JwtModule.register({}),
      ],
      controllers: [
        TwilioWebhooksController,
        HealthController,
        DirectoryController,
        NumbersController,
        AuditController,
        PushController,
        EventsController,
        MessagesController,
        SmsController,
        LegalHoldController,
        StudentRecordController,
        GatewayRetentionController,
        // Without an identity provider there is no other way in; in production there must be none.
        ...(config.NODE_ENV === 'production' ? [] : [DevSignInController, RetentionDevController]),
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AcceptWebhookUseCase,
        AuditTrailService,
        TwilioSignatureGuard,
        LiveEvents,
        RetentionCopies,
      ],
    };
  }
}
