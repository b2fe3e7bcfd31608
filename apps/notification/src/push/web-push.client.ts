import { Agent } from 'node:https';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import webpush, { WebPushError } from 'web-push';
import { VAPID_DETAILS, VapidDetails } from './vapid-keys';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** `gone`: the push service no longer knows the subscription (404 or 410); drop it. */
export type PushOutcome = 'delivered' | 'gone';

/** How long a push service keeps a push for a browser that is offline. */
const TTL_SECONDS = 24 * 60 * 60;
/** A push service that has not answered by then is treated as failing (and retried). */
const TIMEOUT_MS = 10_000;

/**
 * Web Push over HTTPS with `web-push`: the payload encrypted for the subscription (aes128gcm),
 * signed with our VAPID key. Rejects on any other failure (5xx, 429, network), to be retried.
 *
 * `topic` names what the push is about (RFC 8030 §5.4): a push service replaces a stored push
 * with the same topic. A push whose answer was lost (a crash or a database outage before it was
 * recorded) is sent again, and the topic keeps the device from showing it twice.
 */
@Injectable()
export class WebPushClient implements OnApplicationShutdown {
  /** Keeps TLS connections to the push services open: a handshake per push cost more than the push. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(@Inject(VAPID_DETAILS) private readonly vapid: VapidDetails) {}

  /** Not before: the handlers still running at shutdown finish their pushes first. */
  onApplicationShutdown(): void {
    this.agent.destroy();
  }

  async send(target: PushTarget, payload: string, topic: string): Promise<PushOutcome> {
    try {
      await webpush.sendNotification(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        {
          vapidDetails: this.vapid,
          TTL: TTL_SECONDS,
          urgency: 'high',
          timeout: TIMEOUT_MS,
          contentEncoding: 'aes128gcm',
          topic,
          agent: this.agent,
        },
      );
      return 'delivered';
    } catch (error) {
      if (error instanceof WebPushError && [404, 410].includes(error.statusCode)) return 'gone';
      throw error;
    }
  }
}

/** A one-line reason for logs: the push service's status, never its URL (it is a capability). */
export function pushFailureReason(error: unknown): string {
  if (error instanceof WebPushError) return `push service answered ${error.statusCode}`;
  return error instanceof Error ? error.message : String(error);
}
