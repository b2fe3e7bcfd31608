import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { logger } from '@fidelis/logging';
import { Caller } from '../auth/auth.decorators';
import { concerns, DashboardEvent, frame } from './dashboard-events';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How long a browser waits before it reconnects a dropped stream. */
const RECONNECT_MS = 2_000;
/** A client this far behind is not reading: its stream is closed, and the browser reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface LiveClient extends Caller {
  response: Response;
}

/**
 * The dashboards connected to this gateway instance, and the events they get. Every instance
 * receives every event (`@OnLiveEvent` in EventsController), so a client gets it whichever
 * instance it is connected to.
 */
@Injectable()
export class LiveEvents implements OnModuleInit, OnModuleDestroy {
  private readonly log = logger(LiveEvents.name);
  private readonly clients = new Set<LiveClient>();
  private heartbeat?: NodeJS.Timeout;

  onModuleInit(): void {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Streams to everyone still connected are ended, so the HTTP server can close. */
  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }

  /** How many streams are open on this instance. */
  get connected(): number {
    return this.clients.size;
  }

  /** Turns `response` into the caller's event stream until either side closes it. */
  open(caller: Caller, request: Request, response: Response): void {
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: proxies must not compress or otherwise hold back the stream.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx and others like it: pass each event on at once.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    request.socket.setNoDelay(true);
    request.socket.setTimeout(0);

    const client: LiveClient = { staffId: caller.staffId, role: caller.role, response };
    this.clients.add(client);
    response.on('close', () => this.clients.delete(client));
    this.write(client, `retry: ${RECONNECT_MS}\n: connected\n\n`);
    this.log.debug({ staffId: caller.staffId, clients: this.clients.size }, 'event stream opened');
  }

  /** Writes `event` to each stream it concerns. */
  send(event: DashboardEvent): void {
    const text = frame(event);
    let recipients = 0;
    for (const client of this.clients) {
      if (!concerns(event, client)) continue;
      this.write(client, text);
      recipients += 1;
    }
    this.log.debug({ event: event.name, recipients }, 'live event sent');
  }

  private beat(): void {
    for (const client of this.clients) this.write(client, ': heartbeat\n\n');
  }

  private write(client: LiveClient, text: string): void {
    const { response } = client;
    if (response.destroyed || response.writableEnded) {
      this.clients.delete(client);
      return;
    }
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      this.log.warn({ staffId: client.staffId }, 'event stream not read, closing it');
      this.clients.delete(client);
      response.end();
      return;
    }
    response.write(text);
  }
}
