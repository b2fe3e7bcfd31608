import { Inject, Injectable } from '@nestjs/common';
import type twilio from 'twilio';
import { createTwilioClient } from '@fidelis/twilio';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** Twilio's answer to a send, sorted by what the sender must do next. */
export type SendOutcome =
  | { kind: 'accepted'; sid: string; status: string }
  /** 429 / 20429: not accepted; try again later. */
  | { kind: 'rate-limited' }
  /** Twilio could not be reached at all (connection refused): try again later. */
  | { kind: 'not-sent'; reason: string }
  /** Refused for good (21211 invalid number, 21610 unsubscribed, …). */
  | { kind: 'refused'; code: string; message: string }
  /** No answer, or a server error: Twilio may or may not have accepted it. */
  | { kind: 'unknown'; reason: string };

export interface FoundMessage {
  sid: string;
  status: string;
}

/** Request timeout: short, so that a worker that stops beating has certainly finished its calls. */
export const TWILIO_TIMEOUT_MS = 15_000;

/** Sends SMS through Twilio's Messages API and finds messages it already has. */
@Injectable()
export class TwilioSmsClient {
  private readonly twilio: twilio.Twilio;

  constructor(@Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig) {
    this.twilio = createTwilioClient({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      timeoutMs: TWILIO_TIMEOUT_MS,
    });
  }

  async send(message: {
    from: string;
    to: string;
    body: string;
    mediaUrls: string[];
  }): Promise<SendOutcome> {
    try {
      const created = await this.twilio.messages.create({
        from: message.from,
        to: message.to,
        body: message.body,
        ...(message.mediaUrls.length > 0 ? { mediaUrl: message.mediaUrls } : {}),
        statusCallback: `${this.config.PUBLIC_BASE_URL}/webhooks/twilio/status`,
      });
      return { kind: 'accepted', sid: created.sid, status: created.status };
    } catch (error) {
      const {
        status,
        code,
        message: text,
      } = error as {
        status?: unknown;
        code?: unknown;
        message?: unknown;
      };
      if (typeof status !== 'number') {
        // Refused before a byte was sent: Twilio certainly has nothing.
        const network = (error as { code?: unknown }).code;
        if (network === 'ECONNREFUSED' || network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
          return { kind: 'not-sent', reason: String(network) };
        }
        return { kind: 'unknown', reason: String(error) };
      }
      if (status === 429 || code === 20429) return { kind: 'rate-limited' };
      if (status >= 500) return { kind: 'unknown', reason: `Twilio answered ${status}` };
      return {
        kind: 'refused',
        code: typeof code === 'number' || typeof code === 'string' ? String(code) : String(status),
        message: typeof text === 'string' ? text : 'refused',
      };
    }
  }

  /**
   * An outbound message Twilio already has from `from` to `to` with this body, sent since
   * `since`, whose sid is not in `known` (a previous message with the same text). Rejects when
   * Twilio cannot be asked.
   */
  async findSent(query: {
    from: string;
    to: string;
    body: string;
    since: Date;
    isKnown: (sid: string) => Promise<boolean>;
  }): Promise<FoundMessage | undefined> {
    const messages = await this.twilio.messages.list({
      from: query.from,
      to: query.to,
      dateSentAfter: query.since,
      limit: 200,
    });
    for (const message of messages) {
      if (!message.direction.startsWith('outbound') || message.body !== query.body) continue;
      if (await query.isKnown(message.sid)) continue;
      return { sid: message.sid, status: message.status };
    }
    return undefined;
  }
}
