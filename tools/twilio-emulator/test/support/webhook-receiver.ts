import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface ReceivedWebhook {
  method: string;
  /** The full URL the request was sent to, as Twilio signs it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** What the receiver answers next (default 200 with an empty TwiML response). */
  respondWith(status: number, body: string): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for our webhook endpoints: records every call it gets. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answer = { status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' };
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  let baseUrl = '';
  app.all('/{*path}', (req, res) => {
    const params = { ...(req.method === 'GET' ? req.query : req.body) } as Record<string, string>;
    received.push({
      method: req.method,
      url: baseUrl + req.originalUrl,
      headers: req.headers,
      params,
    });
    res.status(answer.status).type('text/xml').send(answer.body);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    received,
    respondWith: (status, body) => {
      answer = { status, body };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
