import * as amqp from 'amqplib';
import { IsInt } from 'class-validator';
import { createEnvelope, defineEvent, Subscription } from '@fidelis/contracts';
import { Broker, OutageError } from '@fidelis/broker';
import { eventually } from '../../../test/support/eventually';
import { deleteQueues, RABBITMQ_URL, uniqueName } from '../../../test/support/infrastructure';

class CountedPayload {
  @IsInt()
  n: number;
}

const run = uniqueName('outage');
const Counted = defineEvent(`test-${run}`, 'Counted', 1, CountedPayload);
const sub: Subscription<CountedPayload> = { queue: `${run}.outage`, event: Counted };

let broker: Broker;

beforeAll(() => {
  broker = new Broker({
    url: RABBITMQ_URL,
    name: 'broker-outage-test',
    subscriptions: [sub],
    retryDelaysMs: [100, 200],
    confirmTimeoutMs: 3_000,
  });
});

afterAll(async () => {
  await broker.close();
  await deleteQueues([sub.queue]);
});

async function countIn(queue: string): Promise<number> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

describe('a handler that meets an outage', () => {
  it('is retried past the retry delays for as long as the outage lasts, never dead-lettered', async () => {
    let calls = 0;
    let handled = false;
    // Two retry delays would dead-letter an ordinary failure on its third; the outage lasts six.
    broker.consume(sub, async () => {
      calls += 1;
      if (calls <= 6) throw new OutageError('SMTP server unreachable');
      handled = true;
    });
    await broker.start();
    await broker.publish(createEnvelope(Counted, { n: 1 }), Counted.routingKey);

    await eventually(() => expect(handled).toBe(true), { timeoutMs: 15_000 });
    expect(calls).toBe(7);
    expect(await countIn(`${sub.queue}.dlq`)).toBe(0);
  });
});
