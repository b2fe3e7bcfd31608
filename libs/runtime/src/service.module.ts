import { Controller, DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { Broker, BrokerTables1764240000000, Outbox } from '@fidelis/broker';
import { ping, ServiceName, SUBSCRIPTIONS } from '@fidelis/contracts';
import { openServiceDatabase } from '@fidelis/database';
import { rootLogger } from '@fidelis/logging';
import { BrokerClient } from './transport/broker-client';
import { BrokerTransport, TRANSPORT_SERVICE } from './transport/broker-transport';
import { OnRequest } from './transport/handler-decorators';
import { UnitOfWork } from './unit-of-work';
import { AuditTrail } from './audit-trail';

export interface ServiceModuleOptions {
  service: ServiceName;
  databaseUrl: string;
  rabbitmqUrl: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  /** The service's own migrations; the broker's tables come first on their own. */
  migrations: (new () => unknown)[];
  /** Waits before retries of a failed message (the broker's defaults when absent). */
  retryDelaysMs?: number[];
}

/** Every service answers `ping(<service>)` after checking its own database (the gateway's readiness). */
function pingRequests(service: ServiceName) {
  @Controller()
  class PingRequests {
    constructor(private readonly dataSource: DataSource) {}

    @OnRequest(ping(service))
    async ping(): Promise<{ service: ServiceName }> {
      await this.dataSource.query('SELECT 1');
      return { service };
    }
  }
  return PingRequests;
}

/**
 * What every service has: JSON logs, its own schema migrated at boot, the broker with its Nest
 * transport (`BrokerTransport`: handlers are `@OnEvent`/`@OnRequest` methods of controllers; health
 * pings answered with a database check) and client (`BrokerClient`), and the outbox.
 */
@Global()
@Module({})
export class ServiceModule {
  static forRoot(options: ServiceModuleOptions): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: rootLogger(),
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
            quietReqLogger: true,
            // Method and path only: headers carry tokens, and query strings may too.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                path: req.url.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      providers: [
        { provide: TRANSPORT_SERVICE, useValue: options.service },
        {
          provide: DataSource,
          useFactory: () =>
            openServiceDatabase({
              url: options.databaseUrl,
              schema: options.service,
              entities: options.entities,
              migrations: [BrokerTables1764240000000, ...options.migrations],
            }),
        },
        {
          provide: Broker,
          useFactory: () =>
            new Broker({
              url: options.rabbitmqUrl,
              name: options.service,
              subscriptions: Object.values(SUBSCRIPTIONS),
              retryDelaysMs: options.retryDelaysMs,
            }),
        },
        {
          provide: Outbox,
          inject: [DataSource, Broker],
          useFactory: (dataSource: DataSource, broker: Broker) =>
            new Outbox(dataSource, broker, { schema: options.service }),
        },
        {
          provide: BrokerClient,
          inject: [Broker],
          useFactory: (broker: Broker) => new BrokerClient(broker),
        },
        BrokerTransport,
        UnitOfWork,
        AuditTrail,
      ],
      controllers: [pingRequests(options.service)],
      exports: [DataSource, Broker, Outbox, BrokerClient, BrokerTransport, UnitOfWork, AuditTrail],
    };
  }
}
