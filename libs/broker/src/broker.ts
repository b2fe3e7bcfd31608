import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import {
  EventEnvelope,
  healthQueue,
  InvalidEventError,
  ServiceName,
  Subscription,
  validateEvent,
} from '@fidelis/contracts';
import { logger, runWithCorrelation } from '@fidelis/logging';
import { BrokerUnavailableError, PermanentError } from './errors';
import { assertTopology, deadLetterQueue, EVENTS_EXCHANGE, retryQueue } from './topology';

export interface BrokerOptions {
  url: string;
  /** Names the connection in RabbitMQ's management views. */
  name: string;
  /** Every subscription of the system, declared on each connect. */
  subscriptions: Subscription[];
  /** Unacked messages one consumer may hold at a time. */
  prefetch?: number;
  /** The wait before each retry of a failed message; one more failure dead-letters it. */
  retryDelaysMs?: number[];
  /** A publish not confirmed within this time is reported as failed. */
  confirmTimeoutMs?: number;
}

export type EventHandler<P> = (event: EventEnvelope<P>) => Promise<void>;

export interface HealthReply {
  service: string;
  ok: boolean;
  detail?: string;
}

interface Consumer {
  subscription: Subscription;
  handler: EventHandler<object>;
}

const ATTEMPT_HEADER = 'x-attempt';
const REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * RabbitMQ for one service: persistent, confirmed publishes; consumers that ack only after their
 * handler resolved; delayed retries, then a dead-letter queue; reconnection after any outage.
 * Nothing is ever buffered in memory: a publish is confirmed by the broker or it fails.
 */
export class Broker {
  private readonly log = logger(Broker.name);
  private readonly prefetch: number;
  private readonly retryDelaysMs: number[];
  private readonly confirmTimeoutMs: number;
  private readonly consumers: Consumer[] = [];
  private health?: { service: ServiceName; check: () => Promise<void> };

  private connection?: ChannelModel;
  private publishChannel?: ConfirmChannel;
  private rpcChannel?: Channel;
  private readonly returned = new Set<string>();
  private readonly pendingPings = new Map<string, (reply: HealthReply) => void>();
  private started = false;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private connectedWaiters: (() => void)[] = [];

  constructor(private readonly options: BrokerOptions) {
    this.prefetch = options.prefetch ?? 20;
    this.retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000];
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  }

  get connected(): boolean {
    return this.publishChannel !== undefined;
  }

  /** Registers a handler before `start()`; it consumes from then on and after every reconnect. */
  consume<P extends object>(subscription: Subscription<P>, handler: EventHandler<P>): void {
    this.assertNotStarted();
    this.consumers.push({
      subscription: subscription,
      handler: handler as EventHandler<object>,
    });
  }

  /** Answers pings on `health.<service>` with the result of `check` (e.g. the database answers). */
  respondToHealth(service: ServiceName, check: () => Promise<void>): void {
    this.assertNotStarted();
    this.health = { service, check };
  }

  private assertNotStarted(): void {
    if (this.started) throw new Error('register consumers before Broker.start()');
  }

  /** Connects (retrying until the broker answers), declares the topology and starts consuming. */
  async start(): Promise<void> {
    this.started = true;
    const connected = new Promise<void>((resolve) => this.connectedWaiters.push(resolve));
    void this.connect();
    await connected;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.dropChannels();
    if (connection) await connection.close().catch(() => undefined);
  }

  /** Publishes an event; resolves once the broker has it on disk in every bound queue. */
  async publish(event: EventEnvelope, routingKey: string): Promise<void> {
    await this.publishRaw(EVENTS_EXCHANGE, routingKey, Buffer.from(JSON.stringify(event)), {
      messageId: event.eventId,
      correlationId: event.correlationId,
      type: `${event.type}.v${event.version}`,
    });
  }

  /** Asks a service whether it is alive and well; rejects when it does not answer in time. */
  async ping(service: ServiceName, timeoutMs = 2_000): Promise<HealthReply> {
    const channel = this.rpcChannel;
    if (!channel) throw new BrokerUnavailableError('not connected to RabbitMQ');
    const correlationId = randomUUID();
    return new Promise<HealthReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingPings.delete(correlationId);
        reject(new Error(`${service} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingPings.set(correlationId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      channel.sendToQueue(healthQueue(service), Buffer.from('{}'), {
        correlationId,
        replyTo: REPLY_TO,
        expiration: String(timeoutMs),
      });
    });
  }

  private async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
  ): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new BrokerUnavailableError('not connected to RabbitMQ');
    const messageId = properties.messageId ?? randomUUID();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BrokerUnavailableError('RabbitMQ did not confirm the publish in time')),
        this.confirmTimeoutMs,
      );
      try {
        channel.publish(
          exchange,
          routingKey,
          content,
          {
            ...properties,
            messageId,
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
          },
          (error) => {
            clearTimeout(timer);
            // A mandatory message that no queue took comes back (basic.return) before its ack.
            const unroutable = this.returned.delete(messageId);
            if (error) reject(new BrokerUnavailableError(`RabbitMQ refused the publish: ${error}`));
            else if (unroutable)
              reject(new BrokerUnavailableError(`no queue is bound to ${routingKey}`));
            else resolve();
          },
        );
      } catch (error) {
        clearTimeout(timer);
        reject(new BrokerUnavailableError(`publish failed: ${String(error)}`));
      }
    });
  }

  private async connect(): Promise<void> {
    if (this.closing) return;
    try {
      const connection = await amqp.connect(this.options.url, {
        clientProperties: { connection_name: this.options.name },
        heartbeat: 5,
      });
      connection.on('error', (error: Error) =>
        this.log.warn({ err: error.message }, 'RabbitMQ connection error'),
      );
      connection.on('close', () => this.onConnectionLost(connection));
      this.connection = connection;
      await this.setUp(connection);
      this.log.info('connected to RabbitMQ');
      for (const resolve of this.connectedWaiters.splice(0)) resolve();
    } catch (error) {
      this.log.warn({ err: String(error) }, 'RabbitMQ not reachable, retrying');
      const connection = this.connection;
      this.connection = undefined;
      this.dropChannels();
      await connection?.close().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private async setUp(connection: ChannelModel): Promise<void> {
    // Any channel that closes on its own takes the connection down with it, so that one path —
    // reconnect and set everything up again — handles every kind of failure.
    const failConnection = () => void connection.close().catch(() => undefined);

    const publishChannel = await connection.createConfirmChannel();
    publishChannel.on('close', failConnection);
    publishChannel.on('error', () => undefined);
    publishChannel.on('return', (message: ConsumeMessage) => {
      if (message.properties.messageId) this.returned.add(String(message.properties.messageId));
    });
    await assertTopology(publishChannel, this.options.subscriptions);

    const rpcChannel = await connection.createChannel();
    rpcChannel.on('close', failConnection);
    rpcChannel.on('error', () => undefined);
    await rpcChannel.consume(REPLY_TO, (message) => this.onPingReply(message), { noAck: true });
    if (this.health) {
      const queue = healthQueue(this.health.service);
      await rpcChannel.assertQueue(queue, {
        durable: false,
        arguments: { 'x-message-ttl': 10_000 },
      });
      await rpcChannel.consume(queue, (message) => void this.answerPing(rpcChannel, message), {
        noAck: true,
      });
    }

    const consumeChannel = await connection.createChannel();
    consumeChannel.on('close', failConnection);
    consumeChannel.on('error', () => undefined);
    await consumeChannel.prefetch(this.prefetch);
    for (const consumer of this.consumers) {
      await consumeChannel.consume(consumer.subscription.queue, (message) => {
        if (message) void this.deliver(consumeChannel, consumer, message);
      });
    }

    this.publishChannel = publishChannel;
    this.rpcChannel = rpcChannel;
  }

  private onConnectionLost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.dropChannels();
    if (this.closing) return;
    this.log.warn('RabbitMQ connection lost, reconnecting');
    this.scheduleReconnect();
  }

  private dropChannels(): void {
    this.publishChannel = undefined;
    this.rpcChannel = undefined;
    for (const resolve of this.pendingPings.values()) {
      resolve({ service: 'unknown', ok: false, detail: 'connection lost' });
    }
    this.pendingPings.clear();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), 500);
  }

  private async deliver(
    channel: Channel,
    consumer: Consumer,
    message: ConsumeMessage,
  ): Promise<void> {
    const { queue, event: definition } = consumer.subscription;
    const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 0) + 1;
    const ids = {
      queue,
      eventId: message.properties.messageId as string | undefined,
      correlationId: message.properties.correlationId as string | undefined,
      attempt,
    };
    let event: EventEnvelope<object>;
    try {
      event = validateEvent(definition, JSON.parse(message.content.toString()));
    } catch (error) {
      const reason = error instanceof InvalidEventError ? error.message : 'the body is not JSON';
      this.log.error({ ...ids, reason }, 'invalid message, dead-lettered');
      return this.settle(channel, message, deadLetterQueue(queue), { 'x-error': reason });
    }

    try {
      await runWithCorrelation({ correlationId: event.correlationId, eventId: event.eventId }, () =>
        consumer.handler(event),
      );
      this.ack(channel, message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay = this.retryDelaysMs[attempt - 1];
      if (
        error instanceof PermanentError ||
        error instanceof InvalidEventError ||
        delay === undefined
      ) {
        this.log.error({ ...ids, reason }, 'handler failed for good, dead-lettered');
        return this.settle(channel, message, deadLetterQueue(queue), { 'x-error': reason });
      }
      this.log.warn({ ...ids, reason, retryInMs: delay }, 'handler failed, will retry');
      return this.settle(
        channel,
        message,
        retryQueue(queue),
        { [ATTEMPT_HEADER]: attempt, 'x-error': reason },
        String(delay),
      );
    }
  }

  /**
   * Moves a message to another queue: the copy is confirmed before the original is acked, so a
   * failure in between leaves the original unacked (redelivered), never lost.
   */
  private async settle(
    channel: Channel,
    message: ConsumeMessage,
    queue: string,
    headers: Record<string, unknown>,
    expiration?: string,
  ): Promise<void> {
    try {
      await this.publishRaw('', queue, message.content, {
        ...message.properties,
        headers: { ...message.properties.headers, ...headers },
        expiration,
      });
    } catch (error) {
      this.log.warn({ queue, err: String(error) }, 'could not move the message; it will come back');
      return;
    }
    this.ack(channel, message);
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // The channel is gone: the broker redelivers the message, and handlers are idempotent.
    }
  }

  private async answerPing(channel: Channel, message: ConsumeMessage | null): Promise<void> {
    if (!message?.properties.replyTo || !this.health) return;
    const reply: HealthReply = { service: this.health.service, ok: true };
    try {
      await this.health.check();
    } catch (error) {
      reply.ok = false;
      reply.detail = error instanceof Error ? error.message : String(error);
    }
    try {
      channel.sendToQueue(
        message.properties.replyTo as string,
        Buffer.from(JSON.stringify(reply)),
        {
          correlationId: message.properties.correlationId as string,
        },
      );
    } catch {
      // The asker reconnects and asks again.
    }
  }

  private onPingReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const resolve = this.pendingPings.get(message.properties.correlationId as string);
    if (!resolve) return;
    this.pendingPings.delete(message.properties.correlationId as string);
    resolve(JSON.parse(message.content.toString()) as HealthReply);
  }
}
