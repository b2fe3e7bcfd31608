import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * The acks of one consuming channel, sent together. A batch's events settle in the same turn of
 * the event loop; their acks go out at the end of it as one `multiple` ack for the run of settled
 * deliveries from the oldest unsettled one, and one by one for the rest — every ack frame is a
 * command the broker applies to a quorum queue's log.
 */
export class ChannelAcks {
  /** Deliveries not yet acked, in the order the broker sent them (ascending tags). */
  private readonly unsettled = new Map<number, ConsumeMessage>();
  private readonly settled = new Set<number>();
  private scheduled = false;

  constructor(private readonly channel: Channel) {}

  delivered(message: ConsumeMessage): void {
    this.unsettled.set(message.fields.deliveryTag, message);
  }

  ack(message: ConsumeMessage): void {
    this.settled.add(message.fields.deliveryTag);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    let last: ConsumeMessage | undefined;
    for (const [tag, message] of this.unsettled) {
      if (!this.settled.has(tag)) break;
      last = message;
      this.unsettled.delete(tag);
      this.settled.delete(tag);
    }
    try {
      if (last) this.channel.ack(last, true);
      for (const tag of this.settled) {
        const message = this.unsettled.get(tag);
        this.unsettled.delete(tag);
        if (message) this.channel.ack(message);
      }
    } catch {
      // The channel is gone: the broker redelivers what was not acked; handlers are idempotent.
    } finally {
      this.settled.clear();
    }
  }
}
