import type { Channel, ConsumeMessage } from 'amqplib';
import { ChannelAcks } from './channel-acks';

/** amqplib's channel as far as acks go: what was acked, and whether up to that tag. */
function recordingChannel() {
  const acked: [number, boolean][] = [];
  const channel = {
    ack: (message: ConsumeMessage, allUpTo = false) =>
      acked.push([message.fields.deliveryTag, allUpTo]),
  } as unknown as Channel;
  return { channel, acked };
}

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ChannelAcks', () => {
  it('sends the acks of one turn together: one up to the oldest still unsettled, the rest alone', async () => {
    const { channel, acked } = recordingChannel();
    const acks = new ChannelAcks(channel);
    const messages = [1, 2, 3, 4, 5].map(delivery);
    messages.forEach((message) => acks.delivered(message));

    for (const tag of [2, 1, 3, 5]) acks.ack(messages[tag - 1]);
    expect(acked).toEqual([]);
    await nextTurn();
    expect(acked).toEqual([
      [3, true],
      [5, false],
    ]);

    acks.ack(messages[3]);
    await nextTurn();
    expect(acked.slice(2)).toEqual([[4, true]]);
  });

  it('gives up quietly on a channel that closed: the broker redelivers what was not acked', async () => {
    const acks = new ChannelAcks({
      ack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel);
    const message = delivery(1);
    acks.delivered(message);
    acks.ack(message);
    await expect(nextTurn()).resolves.toBeUndefined();
  });
});
