import { DynamicModule, Module } from '@nestjs/common';
import { RetentionCopies, ServiceModule } from '@fidelis/runtime';
import { RoutingConfig } from './config';
import { Student } from './directory/student.entity';
import { StudentDirectory } from './directory/student-directory';
import { UpsertStudentUseCase } from './directory/upsert-student.use-case';
import { ResolveStudentUseCase } from './inbound/resolve-student.use-case';
import { RouteToHolderUseCase } from './inbound/route-to-holder.use-case';
import { RoutingDirectoryCopy1764240000600 } from './migrations/1764240000600-directory-copy';
import { NumberHolders } from './number-holders/number-holders';
import { RecordNumberAssignedUseCase } from './number-holders/record-number-assigned.use-case';
import { RecordNumberReleasedUseCase } from './number-holders/record-number-released.use-case';
import { RecordNumberUnassignedUseCase } from './number-holders/record-number-unassigned.use-case';
import { RoutingEventsController } from './routing-events.controller';
import { RoutingRetentionController } from './retention/retention-applied.controller';

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
          entities: [Student],
          migrations: [RoutingDirectoryCopy1764240000600],
        }),
      ],
      providers: [
        UpsertStudentUseCase,
        RecordNumberAssignedUseCase,
        RecordNumberUnassignedUseCase,
        RecordNumberReleasedUseCase,
        StudentDirectory,
        NumberHolders,
        ResolveStudentUseCase,
        RouteToHolderUseCase,
        RetentionCopies,
      ],
      controllers: [RoutingEventsController, RoutingRetentionController],
      exports: [StudentDirectory, NumberHolders],
    };
  }
}
