import { PassThrough } from 'node:stream';
import { IsInt } from 'class-validator';
import { createEnvelope, defineEvent } from '@fidelis/contracts';
import { createRootLogger, rootLogger, setRootLogger } from '@fidelis/logging';
import { Broker, BrokerUnavailableError } from '@fidelis/broker';
import { eventually } from '../../../test/support/eventually';
import {
  deleteQueues,
  RABBITMQ_URL,
  rabbitmqctl,
  uniqueName,
} from '../../../test/support/infrastructure';

class Payload {
  @IsInt()
  n: number;
}

const run = uniqueName('alarm');
const Pinged = defineEvent(`test-${run}`, 'Pinged', 1, Payload);

/** Raises RabbitMQ's memory alarm (every publisher blocked) for the length of `fn`, then clears it. */
async function withMemoryAlarm<T>(fn: () => Promise<T>): Promise<T> {
  const watermark = (
    await rabbitmqctl('eval', 'vm_memory_monitor:get_vm_memory_high_watermark().')
  ).trim();
  await rabbitmqctl('set_vm_memory_high_watermark', 'absolute', '1');
  try {
    return await fn();
  } finally {
    // A relative setting (0.4) is put back as it was; anything else as RabbitMQ's default.
    const relative = /^0?\.\d+$/.test(watermark) ? watermark : '0.4';
    await rabbitmqctl('set_vm_memory_high_watermark', relative);
  }
}

describe('a RabbitMQ resource alarm', () => {
  const lines: string[] = [];
  const previous = rootLogger();
  let broker: Broker;

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    setRootLogger(createRootLogger('test', { format: 'json', level: 'warn', destination }));
    broker = new Broker({
      url: RABBITMQ_URL,
      name: 'alarm-test',
      subscriptions: [{ queue: `${run}.pinged`, event: Pinged }],
      confirmTimeoutMs: 2_000,
    });
    await broker.start();
  });

  afterAll(async () => {
    await broker.close();
    await deleteQueues([`${run}.pinged`]);
    setRootLogger(previous);
  });

  it('fails a publish meanwhile within its timeout, and the log says why', async () => {
    await withMemoryAlarm(async () => {
      // RabbitMQ blocks a connection once it publishes while the alarm is on.
      await expect(
        broker.publish(createEnvelope(Pinged, { n: 1 }), Pinged.routingKey),
      ).rejects.toThrow(BrokerUnavailableError);
      await eventually(() =>
        expect(lines.join('\n')).toContain('RabbitMQ blocks publishing until its alarm clears'),
      );
    });
    await eventually(() => expect(lines.join('\n')).toContain('RabbitMQ publishes again'));
  }, 30_000);
});
