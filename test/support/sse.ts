import { eventually } from './eventually';

/** One server-sent event as a browser's EventSource would dispatch it. */
export interface ReceivedSseEvent {
  id?: string;
  event: string;
  data: string;
  /** `Date.now()` when its last line arrived. */
  at: number;
}

/** A `text/event-stream` read over real HTTP with fetch, parsed as the SSE spec says. */
export interface SseClient {
  status: number;
  headers: Headers;
  /** Every event received so far, in order. */
  events: ReceivedSseEvent[];
  /** Comment lines (`: …`) received so far. */
  comments: string[];
  /** Waits for the first event (received before or after the call) that `matches`. */
  next(
    matches: (event: ReceivedSseEvent) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSseEvent>;
  close(): void;
}

/**
 * Opens `url` as an event stream; resolves once the response headers are in. A response that is
 * not a stream (401, …) resolves too, with its status and no events.
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: ReceivedSseEvent[] = [];
  const comments: string[] = [];

  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    next: (matches, timeoutMs = 5_000) =>
      eventually(
        () => {
          const found = events.find(matches);
          if (!found) throw new Error(`no matching event among ${events.length} received`);
          return found;
        },
        { timeoutMs, intervalMs: 10 },
      ),
    close: () => abort.abort(),
  };

  const body = response.body;
  if (!body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.text().catch(() => undefined);
    return client;
  }

  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  const onLine = (line: string) => {
    if (line === '') {
      if (data.length > 0) {
        events.push({ id, event: event || 'message', data: data.join('\n'), at: Date.now() });
      }
      event = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };

  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      }
    } catch {
      // closed by us (abort) or by the server
    }
  })();
  return client;
}
