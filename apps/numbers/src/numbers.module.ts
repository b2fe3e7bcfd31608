import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { NUMBERS_CONFIG, NumbersConfig } from './config';
import {
  DIRECTORY_ENTITIES,
  DIRECTORY_MIGRATIONS,
  DirectoryModule,
} from './directory/directory.module';
import {
  PROVISIONING_ENTITIES,
  PROVISIONING_MIGRATIONS,
  ProvisioningModule,
} from './provisioning/provisioning.module';

/** The directory (staff, students) and the Twilio numbers that map a phone number to a person. */
@Global()
@Module({})
export class NumbersModule {
  static forRoot(config: NumbersConfig): DynamicModule {
    return {
      module: NumbersModule,
      imports: [
        ServiceModule.forRoot({
          service: 'numbers',
          databaseUrl: config.DATABASE_URL,
          rabbitmqUrl: config.RABBITMQ_URL,
          entities: [...DIRECTORY_ENTITIES, ...PROVISIONING_ENTITIES],
          migrations: [...DIRECTORY_MIGRATIONS, ...PROVISIONING_MIGRATIONS],
        }),
        DirectoryModule,
        ProvisioningModule,
      ],
      providers: [{ provide: NUMBERS_CONFIG, useValue: config }],
      exports: [NUMBERS_CONFIG],
    };
  }
}
