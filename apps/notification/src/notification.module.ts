import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { NotificationConfig } from './config';

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
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}
