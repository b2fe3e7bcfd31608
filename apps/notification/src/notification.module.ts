import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { NotificationConfig } from './config';
import { StaffMember } from './directory/staff-member.entity';
import { UpsertStaffUseCase } from './directory/upsert-staff.use-case';
import { NotificationStaffCopy1764240000600 } from './migrations/1764240000600-staff-copy';
import { NotificationConsumers } from './notification.consumers';

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
          migrations: [NotificationStaffCopy1764240000600],
        }),
      ],
      providers: [UpsertStaffUseCase, NotificationConsumers],
    };
  }
}
