import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { createEnvelope, InboundSmsStored } from '@fidelis/contracts';
import { smsReceived } from './dashboard-events';
import { LiveEvents } from './live-events.service';

/** An HTTP response as far as an event stream needs one. */
class FakeResponse extends EventEmitter {
  written = '';
  headers: Record<string, string> = {};
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  status() {
    return this;
  }
  set(headers: Record<string, string>) {
    this.headers = headers;
    return this;
  }
  flushHeaders() {}
  write(text: string) {
    this.written += text;
    return true;
  }
  end() {
    this.writableEnded = true;
    this.emit('close');
  }
}

const request = { socket: { setNoDelay: () => undefined, setTimeout: () => undefined } };

function setUp() {
  const live = new LiveEvents();
  live.onModuleInit();
  const open = (staffId: string) => {
    const response = new FakeResponse();
    live.open(
      { staffId, role: 'coach' },
      request as unknown as Request,
      response as unknown as Response,
    );
    return response;
  };
  const publish = (staffId: string) =>
    live.send(
      smsReceived(
        createEnvelope(InboundSmsStored, {
          messageId: '5d3c1a2e-0b4f-4e6a-9c8d-7f1e2a3b4c5d',
          messageSid: 'SM0123',
          studentId: null,
          studentName: null,
          ambiguous: false,
          candidateStudentIds: [],
          staffId,
          from: '+14155550123',
          to: '+14155231234',
          body: 'hi',
          media: [],
          status: 'received',
          optChange: null,
          receivedAt: new Date().toISOString(),
        }),
      ),
    );
  return { live, open, publish };
}

describe('LiveEvents', () => {
  afterEach(() => jest.useRealTimers());

  it('opens a stream with the reconnect delay and writes a heartbeat comment every 15 s', () => {
    jest.useFakeTimers();
    const { live, open } = setUp();
    const response = open('c-1');
    expect(response.headers).toMatchObject({ 'Content-Type': 'text/event-stream; charset=utf-8' });
    expect(response.written).toBe('retry: 2000\n: connected\n\n');

    jest.advanceTimersByTime(15_000);
    expect(response.written.endsWith(': heartbeat\n\n')).toBe(true);
    jest.advanceTimersByTime(15_000);
    expect(response.written.match(/: heartbeat/g)).toHaveLength(2);
    live.onModuleDestroy();
  });

  it('closes the stream of a client that stopped reading, and keeps serving the others', () => {
    const { live, open, publish } = setUp();
    const stalled = open('c-1');
    const reading = open('c-1');
    stalled.writableLength = 2 * 1024 * 1024;

    publish('c-1');

    expect(stalled.writableEnded).toBe(true);
    expect(stalled.written).not.toContain('sms.received');
    expect(reading.written).toContain('event: sms.received');
    expect(live.connected).toBe(1);
    live.onModuleDestroy();
  });

  it('forgets a closed client, and ends every stream when the gateway shuts down', () => {
    const { live, open, publish } = setUp();
    const gone = open('c-1');
    const staying = open('c-1');
    gone.destroyed = true;
    gone.emit('close');
    expect(live.connected).toBe(1);

    publish('c-1');
    expect(gone.written).not.toContain('sms.received');

    live.onModuleDestroy();
    expect(staying.writableEnded).toBe(true);
    expect(live.connected).toBe(0);
  });
});
