import { vi } from 'vitest';

/** A request the view made, as the stub saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query, as the view asked for it: `/api/sms/conversation?contactPhone=%2B1…`. */
  url: string;
  headers: Headers;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
}

/** Answers a request, or throws for a network failure. */
export type Responder = (request: SeenRequest) => Reply | Promise<Reply>;

/** A JSON body (an object or an array) answered with 200, or a responder. */
export type Answer = Responder | object;

/** An answer that refuses with `status` and the API's error body. */
export const refuse = (status: number, body: { message: string; code?: string }) => (): Reply => ({
  status,
  body,
});

/** An answer as when the network is down: fetch rejects, as browsers do. */
export const networkDown = (): never => {
  throw new TypeError('Failed to fetch');
};

/**
 * Stubs the browser's fetch, the network boundary of a component test. `answers` is keyed by
 * `"METHOD /path"`, or `"METHOD /path?query"` to tell queries apart (tried first). A request
 * nobody answers is refused with 404 and recorded, so the test fails where it looks.
 */
export function stubFetch(answers: Record<string, Answer>) {
  const requests: SeenRequest[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const url = String(input);
    const request: SeenRequest = {
      method,
      url,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    requests.push(request);
    const answer = answers[`${method} ${url}`] ?? answers[`${method} ${url.split('?')[0]}`];
    const reply: Reply =
      answer === undefined
        ? { status: 404, body: { message: `No stub for ${method} ${url}` } }
        : typeof answer === 'function'
          ? await (answer as Responder)(request)
          : { status: 200, body: answer };
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  return { requests };
}
