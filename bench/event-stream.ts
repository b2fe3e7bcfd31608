import http from 'node:http';

/** One `sms.received` as a dashboard saw it. */
export interface Sighting {
  /** performance.now() when its frame was complete. */
  at: number;
  staffId: string | null;
}

/**
 * A dashboard's `GET /api/events`, kept lean for the load: only `sms.received` frames are parsed,
 * and each is recorded under its MessageSid (`twilioSid`) with when it arrived.
 */
export class DashboardStream {
  /** MessageSid → every time it was seen on this stream (announced once: exactly one). */
  readonly seen = new Map<string, Sighting[]>();
  received = 0;
  private request?: http.ClientRequest;

  private constructor(readonly staffId: string) {}

  /** Resolves once the stream is open (its headers are in); rejects on anything but 200. */
  static open(url: string, token: string, staffId: string): Promise<DashboardStream> {
    const stream = new DashboardStream(staffId);
    return new Promise((resolve, reject) => {
      const req = http.get(
        url,
        {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
          agent: false,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET /api/events: ${res.statusCode}`));
            return;
          }
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end = buffer.indexOf('\n\n');
            while (end !== -1) {
              stream.onFrame(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf('\n\n');
            }
          });
          res.on('error', () => undefined);
          resolve(stream);
        },
      );
      req.on('error', reject);
      stream.request = req;
    });
  }

  private onFrame(frame: string): void {
    if (!frame.includes('event: sms.received')) return;
    const at = performance.now();
    const line = frame.split('\n').find((l) => l.startsWith('data: '));
    if (!line) return;
    const data = JSON.parse(line.slice(6)) as { twilioSid: string; staffId: string | null };
    this.received += 1;
    const sightings = this.seen.get(data.twilioSid);
    if (sightings) sightings.push({ at, staffId: data.staffId });
    else this.seen.set(data.twilioSid, [{ at, staffId: data.staffId }]);
  }

  close(): void {
    this.request?.destroy();
  }
}
