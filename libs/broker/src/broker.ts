import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import * as amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import {
  DomainError,
  ErrorCode,
  EventDefinition,
  EventEnvelope,
  InvalidEventError,
  RequestDefinition,
  rpcQueue,
  ServiceName,
  Subscription,
  validateEvent,
} from '@fidelis/contracts';
import { currentCorrelation, logger } from '@fidelis/logging';
import { ChannelAcks } from './channel-acks';
import { coalesceWrites } from './coalesce-writes';
import { BrokerUnavailableError, OutageError, PermanentError } from './errors';
import { assertTopology, deadLetterQueue, EVENTS_EXCHANGE, retryQueue } from './topology';

export interface BrokerOptions {
  url: string;
  /** Names the connection in RabbitMQ's management views. */
  name: string;
  /** Every subscription of the system, declared on each connect. */
  subscriptions: Subscription[];
  /** Unacked messages one consumer may hold at a time. */
  prefetch?: number;
  /**
   * The wait before each retry of a failed message; one more failure dead-letters it (an
   * OutageError waits the last delay again instead, for as long as it lasts).
   */
  retryDelaysMs?: number[];
  /** A publish not confirmed within this time is reported as failed. */
  confirmTimeoutMs?: number;
}

export type EventHandler<P> = (event: EventEnvelope<P>) => Promise<void>;

/**
 * Answers the requests to this service (`serve`): the request's name, its decoded body and the
 * asker's correlation id in, the reply out. It never throws: a failure is a reply too.
 */
export type RequestAnswerer = (request: IncomingRequest) => Promise<Reply>;

export interface IncomingRequest {
  name: string;
  payload: unknown;
  correlationId?: string;
}

/** Sees a live event as it passes; a failure is logged, never retried (see `subscribeLive`). */
export type LiveEventHandler<P> = (event: EventEnvelope<P>) => void | Promise<void>;

export type Reply =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

interface Consumer {
  subscription: Subscription;
  handler: EventHandler<object>;
  prefetch: number;
}

interface LiveSubscription {
  definition: EventDefinition<object>;
  handlers: LiveEventHandler<object>[];
}

const ATTEMPT_HEADER = 'x-attempt';
/** Unacked messages a consumer holds at a time, unless it asks for another number. */
export const DEFAULT_PREFETCH = 20;
/**
 * The most events a batch handler takes into one transaction, and the prefetch of its consumer,
 * so that under load each commit serves a full batch (the inbound path's steps).
 */
export const BATCH_SIZE = 50;
const REPLY_TO = 'amq.rabbitmq.reply-to';
/** Live events nobody took yet are dropped beyond this many: a dashboard wants news, not a backlog. */
const LIVE_QUEUE_MAX_LENGTH = 10_000;

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
  /** The consumers that take work (events, requests) on this connection: channel and tag. */
  private takingWork: { channel: Channel; tag: string }[] = [];
  private stoppedConsuming = false;
  /** Work taken from the broker and still running: an event's handling, a request's answer. */
  private readonly working = new Set<Promise<void>>();
  /** By routing key: the live subscriptions, all served by one queue of this connection. */
  private readonly live = new Map<string, LiveSubscription>();
  private served?: { service: ServiceName; answer: RequestAnswerer };

  private connection?: ChannelModel;
  private publishChannel?: ConfirmChannel;
  private rpcChannel?: Channel;
  private readonly returned = new Set<string>();
  private readonly pendingRequests = new Map<string, (reply: Reply) => void>();
  private started = false;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private connectedWaiters: (() => void)[] = [];

  constructor(private readonly options: BrokerOptions) {
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    this.retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000];
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  }

  get connected(): boolean {
    return this.publishChannel !== undefined;
  }

  /** Registers a handler before `start()`; it consumes from then on and after every reconnect. */
  consume<P extends object>(
    subscription: Subscription<P>,
    handler: EventHandler<P>,
    options: { prefetch?: number } = {},
  ): void {
    this.assertNotStarted();
    this.consumers.push({
      subscription: subscription,
      handler: handler as EventHandler<object>,
      prefetch: options.prefetch ?? this.prefetch,
    });
  }

  /**
   * Registers, before `start()`, a handler that sees every `definition` event published while this
   * broker is connected — on this instance and on every other one that subscribed (fan-out), unlike
   * `consume()`, where the instances of a service share one durable queue. For pushing news to
   * connected clients (the dashboard's server-sent events), not for work that must happen: an
   * event published while disconnected is not seen, and a failing handler is not retried.
   */
  subscribeLive<P extends object>(
    definition: EventDefinition<P>,
    handler: LiveEventHandler<P>,
  ): void {
    this.assertNotStarted();
    const subscription = this.live.get(definition.routingKey) ?? {
      definition,
      handlers: [],
    };
    subscription.handlers.push(handler as LiveEventHandler<object>);
    this.live.set(definition.routingKey, subscription);
  }

  /** Answers, before `start()`, the requests sent to `rpc.<service>` with `answer`. */
  serve(service: ServiceName, answer: RequestAnswerer): void {
    this.assertNotStarted();
    if (this.served) throw new Error(`this broker already serves ${this.served.service}`);
    this.served = { service, answer };
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

  /**
   * Takes no more events or requests and waits, at most `timeoutMs`, for the handlers running to
   * finish and their acks and answers to leave. A service that stops on purpose then hands nothing
   * back to be redelivered, and its outbox can still publish what they committed: call it before
   * `Outbox.stop()` and `close()`. A handler still running after `timeoutMs` is abandoned: its
   * message is redelivered, its asker times out. Its own requests still get their answers.
   */
  async stopConsuming(timeoutMs = 5_000): Promise<void> {
    this.stoppedConsuming = true;
    const consumers = this.takingWork;
    this.takingWork = [];
    await Promise.all(
      consumers.map(({ channel, tag }) => channel.cancel(tag).catch(() => undefined)),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.working]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    // ChannelAcks sends a turn's acks at its end.
    await new Promise((resolve) => setImmediate(resolve));
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

  /**
   * Asks the service that owns `definition` and resolves with its answer; rejects with its
   * DomainError, or with SERVICE_UNAVAILABLE when nobody answers within `timeoutMs`.
   */
  async request<Req extends object, Res>(
    definition: RequestDefinition<Req, Res>,
    payload: Req,
    timeoutMs = 10_000,
  ): Promise<Res> {
    const channel = this.rpcChannel;
    if (!channel) throw new DomainError('SERVICE_UNAVAILABLE', 'not connected to RabbitMQ');
    const correlationId = randomUUID();
    const reply = await new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingRequests.delete(correlationId);
        resolve({
          ok: false,
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: `${definition.service} did not answer within ${timeoutMs} ms`,
          },
        });
      }, timeoutMs);
      this.pendingRequests.set(correlationId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      channel.sendToQueue(rpcQueue(definition.service), Buffer.from(JSON.stringify(payload)), {
        correlationId,
        replyTo: REPLY_TO,
        type: definition.name,
        // A question nobody picked up in time is not worth answering any more.
        expiration: String(timeoutMs),
        headers: currentCorrelation()
          ? { 'x-correlation-id': currentCorrelation()?.correlationId }
          : {},
      });
    });
    if (!reply.ok)
      throw new DomainError(reply.error.code, reply.error.message, reply.error.details);
    return reply.result as Res;
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
        noDelay: true,
      });
      // amqplib keeps the socket on its connection; its types do not show it.
      const socket = (connection.connection as unknown as { stream?: Socket }).stream;
      if (socket) coalesceWrites(socket);
      connection.on('error', (error: Error) =>
        this.log.warn({ err: error.message }, 'RabbitMQ connection error'),
      );
      connection.on('close', () => this.onConnectionLost(connection));
      // A resource alarm (low disk or memory) stops every publish until it clears: say why.
      connection.on('blocked', (reason: string) =>
        this.log.error({ reason }, 'RabbitMQ blocks publishing until its alarm clears'),
      );
      connection.on('unblocked', () => this.log.warn('RabbitMQ publishes again'));
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
    // Before any consumer starts: a handler may publish from its very first delivery.
    this.publishChannel = publishChannel;

    const rpcChannel = await connection.createChannel();
    rpcChannel.on('close', failConnection);
    rpcChannel.on('error', () => undefined);
    await rpcChannel.consume(REPLY_TO, (message) => this.onReply(message), { noAck: true });
    const served = this.served;
    if (served && !this.stoppedConsuming) {
      // Not durable: a request outlives neither the broker nor its asker's patience.
      const queue = rpcQueue(served.service);
      await rpcChannel.assertQueue(queue, { durable: false });
      await rpcChannel.prefetch(this.prefetch);
      const { consumerTag } = await rpcChannel.consume(queue, (message) => {
        if (message) this.track(this.answer(rpcChannel, message, served.answer));
      });
      this.takingWork.push({ channel: rpcChannel, tag: consumerTag });
    }
    this.rpcChannel = rpcChannel;

    const consumeChannel = await connection.createChannel();
    consumeChannel.on('close', failConnection);
    consumeChannel.on('error', () => undefined);
    const acks = new ChannelAcks(consumeChannel);
    for (const consumer of this.stoppedConsuming ? [] : this.consumers) {
      // Applies to the consumers started after it on this channel: each gets its own.
      await consumeChannel.prefetch(consumer.prefetch);
      const { consumerTag } = await consumeChannel.consume(
        consumer.subscription.queue,
        (message) => {
          if (!message) return;
          acks.delivered(message);
          this.track(this.deliver(acks, consumer, message));
        },
      );
      this.takingWork.push({ channel: consumeChannel, tag: consumerTag });
    }

    if (this.live.size > 0) await this.consumeLive(connection, failConnection);
  }

  /**
   * This connection's own queue for the live subscriptions: exclusive, auto-delete and named by the
   * server, so every instance gets its copy of each event and the queue vanishes with the
   * connection; the next connection declares a new one.
   */
  private async consumeLive(connection: ChannelModel, failConnection: () => void): Promise<void> {
    const channel = await connection.createChannel();
    channel.on('close', failConnection);
    channel.on('error', () => undefined);
    const { queue } = await channel.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: {
        'x-queue-type': 'classic',
        'x-max-length': LIVE_QUEUE_MAX_LENGTH,
        'x-overflow': 'drop-head',
      },
    });
    for (const routingKey of this.live.keys()) {
      await channel.bindQueue(queue, EVENTS_EXCHANGE, routingKey);
    }
    // noAck: a live event is worth showing only now. One lost in a crash or an outage is not
    // redelivered — a dashboard that was disconnected reloads its views when it reconnects.
    await channel.consume(
      queue,
      (message) => {
        if (message) this.deliverLive(message);
      },
      { noAck: true },
    );
  }

  private deliverLive(message: ConsumeMessage): void {
    const routingKey = message.fields.routingKey;
    const ids = {
      routingKey,
      eventId: message.properties.messageId as string | undefined,
      correlationId: message.properties.correlationId as string | undefined,
    };
    const subscription = this.live.get(routingKey);
    if (!subscription) return;
    let event: EventEnvelope<object>;
    try {
      event = validateEvent(subscription.definition, JSON.parse(message.content.toString()));
    } catch (error) {
      const reason = error instanceof InvalidEventError ? error.message : 'the body is not JSON';
      this.log.error({ ...ids, reason }, 'invalid live event, dropped');
      return;
    }
    for (const handler of subscription.handlers) {
      void Promise.resolve()
        .then(() => handler(event))
        .catch((error: unknown) =>
          this.log.error({ ...ids, err: String(error) }, 'live event handler failed'),
        );
    }
  }

  private onConnectionLost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.dropChannels();
    if (this.closing) return;
    this.log.warn('RabbitMQ connection lost, reconnecting');
    this.scheduleReconnect();
  }

  private track(work: Promise<void>): void {
    this.working.add(work);
    void work.finally(() => this.working.delete(work));
  }

  private dropChannels(): void {
    this.publishChannel = undefined;
    this.takingWork = [];
    this.rpcChannel = undefined;
    for (const resolve of this.pendingRequests.values()) {
      resolve({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'connection lost' } });
    }
    this.pendingRequests.clear();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), 500);
  }

  private async deliver(
    acks: ChannelAcks,
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
      return this.settle(acks, message, deadLetterQueue(queue), { 'x-error': reason });
    }

    try {
      await consumer.handler(event);
      acks.ack(message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay =
        error instanceof OutageError
          ? this.retryDelaysMs[Math.min(attempt, this.retryDelaysMs.length) - 1]
          : this.retryDelaysMs[attempt - 1];
      if (
        error instanceof PermanentError ||
        error instanceof InvalidEventError ||
        delay === undefined
      ) {
        this.log.error({ ...ids, reason }, 'handler failed for good, dead-lettered');
        return this.settle(acks, message, deadLetterQueue(queue), { 'x-error': reason });
      }
      this.log.warn({ ...ids, reason, retryInMs: delay }, 'handler failed, will retry');
      return this.settle(
        acks,
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
    acks: ChannelAcks,
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
    acks.ack(message);
  }

  private async answer(
    channel: Channel,
    message: ConsumeMessage,
    answerer: RequestAnswerer,
  ): Promise<void> {
    const reply = await this.execute(message, answerer);
    try {
      if (message.properties.replyTo) {
        channel.sendToQueue(
          String(message.properties.replyTo),
          Buffer.from(JSON.stringify(reply)),
          {
            correlationId: String(message.properties.correlationId),
          },
        );
      }
      channel.ack(message);
    } catch {
      // The channel is gone; the asker times out and may ask again.
    }
  }

  private async execute(message: ConsumeMessage, answerer: RequestAnswerer): Promise<Reply> {
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString());
    } catch {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'the request is not JSON' } };
    }
    const correlationId = (message.properties.headers?.['x-correlation-id'] ??
      message.properties.correlationId) as string | undefined;
    return answerer({
      name: String(message.properties.type),
      payload,
      correlationId,
    });
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const correlationId = String(message.properties.correlationId);
    const resolve = this.pendingRequests.get(correlationId);
    if (!resolve) return;
    this.pendingRequests.delete(correlationId);
    resolve(JSON.parse(message.content.toString()) as Reply);
  }
}
