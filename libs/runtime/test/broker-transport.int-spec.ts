import { Controller, DynamicModule, INestMicroservice, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsInt } from 'class-validator';
import { firstValueFrom } from 'rxjs';
import { Broker, PermanentError } from '@fidelis/broker';
import {
  createEnvelope,
  defineRequest,
  DomainError,
  EventEnvelope,
  StudentUpserted,
  StudentUpsertedPayload,
  SUBSCRIPTIONS,
} from '@fidelis/contracts';
import { currentCorrelation, runWithCorrelation } from '@fidelis/logging';
import { eventually } from '../../../test/support/eventually';
import { DATABASE_URL, RABBITMQ_URL } from '../../../test/support/infrastructure';
import {
  BrokerClient,
  createWorker,
  EventContext,
  OnEvent,
  OnRequest,
  ServiceModule,
} from '../src';

class SquareRequest {
  @IsInt()
  n: number;
}

const Square = defineRequest<SquareRequest, { squared: number; correlationId?: string }>(
  'routing',
  'square-for-transport-test',
  SquareRequest,
);

interface Seen {
  eventId: string;
  name: string;
  correlationId?: string;
  inTransaction: boolean;
}

const seen: Seen[] = [];
let flakyFailures = 0;

/** A controller as a service writes one: a request and an event handler, and nothing else. */
@Controller()
class ProbeController {
  @OnRequest(Square)
  square(@Payload() { n }: SquareRequest) {
    if (n < 0) throw new DomainError('INVALID_INPUT', 'n must not be negative');
    if (n === 13) throw new Error('an unexpected failure, with details the asker must not see');
    return { squared: n * n, correlationId: currentCorrelation()?.correlationId };
  }

  @OnEvent(SUBSCRIPTIONS.routingStudentUpserted)
  async studentUpserted(
    @Payload() event: EventEnvelope<StudentUpsertedPayload>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    const mine = event.payload.studentId.startsWith('transport-test');
    if (!mine) return;
    seen.push({
      eventId: event.eventId,
      name: event.payload.name,
      correlationId: currentCorrelation()?.correlationId,
      inTransaction: context.manager.queryRunner?.isTransactionActive ?? false,
    });
    await context.manager.query('SELECT 1');
    if (event.payload.name === 'permanent') throw new PermanentError('never possible');
    if (event.payload.name === 'flaky' && flakyFailures++ === 0) throw new Error('not yet');
  }
}

@Module({})
class ProbeModule {
  static forRoot(): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        ServiceModule.forRoot({
          service: 'routing',
          databaseUrl: DATABASE_URL,
          rabbitmqUrl: RABBITMQ_URL,
          entities: [],
          migrations: [],
          retryDelaysMs: [100],
        }),
      ],
      controllers: [ProbeController],
    };
  }
}

function student(name: string): StudentUpsertedPayload {
  return {
    studentId: `transport-test-${name}-${Date.now()}`,
    name,
    email: null,
    smsPhone: null,
    timezone: null,
  };
}

describe('BrokerTransport and BrokerClient (Nest microservices over the broker)', () => {
  let service: INestMicroservice;
  let client: BrokerClient;
  let publisher: Broker;

  beforeAll(async () => {
    service = await createWorker(ProbeModule.forRoot());
    client = service.get(BrokerClient);
    publisher = new Broker({ url: RABBITMQ_URL, name: 'transport-test', subscriptions: [] });
    await publisher.start();
  });

  afterAll(async () => {
    await publisher?.close();
    await service?.close();
  });

  it("answers a request with the handler's result, in the asker's correlation", async () => {
    const answer = await runWithCorrelation({ correlationId: 'asked-in-a-test' }, () =>
      firstValueFrom(client.send(Square, { n: 7 })),
    );
    expect(answer).toEqual({ squared: 49, correlationId: 'asked-in-a-test' });
  });

  it('refuses a payload its class does not allow before the handler runs (the pipe)', async () => {
    await expect(
      firstValueFrom(client.send(Square, { n: 'seven' as unknown as number })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [expect.stringContaining('n must be an integer')],
    });
  });

  it("hands the handler's DomainError to the asker, and any other failure as INTERNAL (the filter)", async () => {
    const refused = firstValueFrom(client.send(Square, { n: -1 }));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'n must not be negative',
    });
    await expect(firstValueFrom(client.send(Square, { n: 13 }))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'the request failed',
    });
  });

  it('never emits: events go through the outbox', async () => {
    await expect(firstValueFrom(client.emit('anything', {}))).rejects.toThrow(/outbox/);
  });

  it('handles an event once, in a transaction, in its correlation, even when delivered twice', async () => {
    const event = createEnvelope(StudentUpserted, student('once'), {
      correlationId: 'the-event-correlation',
    });
    await publisher.publish(event, StudentUpserted.routingKey);
    await publisher.publish(event, StudentUpserted.routingKey);
    await eventually(() => expect(seen.filter((s) => s.eventId === event.eventId)).toHaveLength(1));
    // Long enough for the second delivery to have been handled (and found already handled).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.filter((s) => s.eventId === event.eventId)).toEqual([
      {
        eventId: event.eventId,
        name: 'once',
        correlationId: 'the-event-correlation',
        inTransaction: true,
      },
    ]);
  });

  it('retries a failed event, and dead-letters at once what fails for good (the error kind survives Nest)', async () => {
    const flaky = createEnvelope(StudentUpserted, student('flaky'));
    const permanent = createEnvelope(StudentUpserted, student('permanent'));
    await publisher.publish(flaky, StudentUpserted.routingKey);
    await publisher.publish(permanent, StudentUpserted.routingKey);
    await eventually(() => expect(seen.filter((s) => s.eventId === flaky.eventId)).toHaveLength(2));
    // The retry delay is 100 ms: a permanent failure retried would have been seen again by now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(seen.filter((s) => s.eventId === permanent.eventId)).toHaveLength(1);
  });
});
