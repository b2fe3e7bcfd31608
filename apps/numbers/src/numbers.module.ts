import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { NumbersConfig } from './config';

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
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}
