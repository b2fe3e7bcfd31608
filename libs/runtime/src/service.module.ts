import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import {
  BATCH_SIZE,
  inBatches,
  Broker,
  BrokerTables1764240000000,
  handleOnce,
  oneByOne,
  Outbox,
  publishDerived,
  StepHandler,
  TransactionalHandler,
} from '@fidelis/broker';
import { EventEnvelope, ping, ServiceName, Subscription, SUBSCRIPTIONS } from '@fidelis/contracts';
import { openServiceDatabase } from '@fidelis/database';
import { rootLogger } from '@fidelis/logging';
import { UnitOfWork } from './unit-of-work';

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

const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');

/**
 * Registers a consumer whose effect happens once per event: the handler runs in a transaction
 * of the service's database, and events it adds to the outbox are published after the commit.
 */
@Injectable()
export class EventConsumers {
  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceModuleOptions,
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    private readonly outbox: Outbox,
  ) {}

  register<P extends object>(subscription: Subscription<P>, work: TransactionalHandler<P>): void {
    const handler = handleOnce<P>(
      this.outbox.transaction,
      { schema: this.options.service, consumer: subscription.queue },
      oneByOne(work),
    );
    this.broker.consume(subscription, handler);
  }

  /**
   * A handler of the inbound path whose effect is one statement, idempotent by its data's own
   * unique key (`Outbox.addByStatement`): it needs no transaction and no record of handled
   * events. It takes the events waiting together at once and holds up to a whole batch.
   */
  registerIdempotent<P extends object>(
    subscription: Subscription<P>,
    work: (events: EventEnvelope<P>[]) => Promise<void>,
  ): void {
    this.broker.consume(subscription, inBatches(work), { prefetch: BATCH_SIZE });
  }

  /**
   * A step of the inbound path that only reads and publishes (`publishDerived`): no transaction
   * and no outbox; it holds up to a whole batch.
   */
  registerStep<P extends object>(subscription: Subscription<P>, work: StepHandler<P>): void {
    const handler = publishDerived(this.broker, this.dataSource.manager, work);
    this.broker.consume(subscription, handler, { prefetch: BATCH_SIZE });
  }
}

/** Starts the broker once every consumer is registered; closes everything in order on shutdown. */
@Injectable()
class ServiceLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    private readonly outbox: Outbox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.start();
    this.outbox.start();
    void this.outbox.relay();
  }

  /**
   * Before anything closes (the HTTP server, clients torn down at `onApplicationShutdown`): the
   * handlers running finish with everything they use still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
  }

  /** The outbox publishes what the handlers and the last requests committed, then all closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
    await this.broker.close();
    await this.dataSource.destroy();
  }
}

/**
 * What every service has: JSON logs, its own schema migrated at boot, the broker (answering
 * health pings with a database check), the outbox and idempotent consumers.
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
        { provide: SERVICE_OPTIONS, useValue: options },
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
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => {
            const broker = new Broker({
              url: options.rabbitmqUrl,
              name: options.service,
              subscriptions: Object.values(SUBSCRIPTIONS),
              retryDelaysMs: options.retryDelaysMs,
            });
            broker.handle(ping(options.service), async () => {
              await dataSource.query('SELECT 1');
              return { service: options.service };
            });
            return broker;
          },
        },
        {
          provide: Outbox,
          inject: [DataSource, Broker],
          useFactory: (dataSource: DataSource, broker: Broker) =>
            new Outbox(dataSource, broker, { schema: options.service }),
        },
        EventConsumers,
        UnitOfWork,
        ServiceLifecycle,
      ],
      exports: [DataSource, Broker, Outbox, EventConsumers, UnitOfWork],
    };
  }
}
