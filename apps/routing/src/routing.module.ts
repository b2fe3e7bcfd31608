import { DynamicModule, Module } from '@nestjs/common';
import { ServiceModule } from '@fidelis/runtime';
import { RoutingConfig } from './config';

@Module({})
export class RoutingModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: RoutingModule,
      imports: [
        ServiceModule.forRoot({
          service: 'routing',
          databaseUrl: config.DATABASE_URL,
          rabbitmqUrl: config.RABBITMQ_URL,
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}
