import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceModule } from '@fidelis/runtime';
import { AuthGuard } from './auth/auth.guard';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { DomainErrorFilter } from './http/domain-error.filter';
import { HealthController } from './health/health.controller';
import { NumbersController } from './numbers/numbers.controller';
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
          entities: [],
          migrations: [ReceivedWebhooks1764240000200],
        }),
        TerminusModule.forRoot({ logger: false }),
        JwtModule.register({}),
      ],
      controllers: [TwilioWebhooksController, HealthController, NumbersController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AcceptWebhookUseCase,
        TwilioSignatureGuard,
      ],
    };
  }
}
