import { Inject, Injectable } from '@nestjs/common';
import type twilio from 'twilio';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { TwilioMessageStatus } from '@fidelis/contracts';
import { maskPhone } from '@fidelis/logging';
import { createTwilioClient, RetryAfterException } from '@fidelis/twilio';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** Twilio's answer to a send, sorted by what the sender must do next. */
export type SendOutcome =
  | { kind: 'accepted'; sid: string; status: TwilioMessageStatus }
  /** Refused for good, the message itself (21211 invalid number, 21610 unsubscribed, …). */
  | { kind: 'refused'; code: string; message: string }
  /**
   * Twilio is unavailable and certainly created nothing (401/403 credentials, 404 account, 429,
   * connection refused): wait and send again.
   */
  | ({ kind: 'outage' } & TwilioTrouble)
  /** No answer, or a server error: Twilio may or may not have created it; ask before resending. */
  | ({ kind: 'unknown' } & TwilioTrouble);

/** Why Twilio could not be used, for the logs, and how long it asked us to wait. */
export interface TwilioTrouble {
  reason: string;
  retryAfterMs?: number;
}

/** Answers about our account or the API, not the message: retried, never final. */
const OUTAGE_STATUSES = [401, 403, 404, 429];
/** Codes in the message ranges that are about the account or Twilio's load. */
const OUTAGE_CODES = [30001 /* queue overflow */, 30002 /* account suspended */];
/** Network errors raised before the request left: Twilio certainly got nothing. */
const NOT_SENT_ERRORS = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * A refusal of the message itself: a 4xx with a 21xxx (the request's parameters: the number, the
 * body, opt-out, region) or 30xxx (carrier/content) code — except credentials, account and rate
 * answers, which are outages.
 */
function isRefusal(status: number, code: number): boolean {
  if (status < 400 || status >= 500 || OUTAGE_STATUSES.includes(status)) return false;
  if (OUTAGE_CODES.includes(code)) return false;
  return (code >= 21_000 && code < 22_000) || (code >= 30_000 && code < 31_000);
}

/** What went wrong with a call to Twilio, in words for the logs: `401 (20003 Authenticate)`. */
export function troubleOf(error: unknown): TwilioTrouble {
  const { status, code, message } = error as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const retryAfterMs = error instanceof RetryAfterException ? error.retryAfterMs : undefined;
  const text =
    typeof status === 'number'
      ? `Twilio answered ${status} (${String(code)} ${String(message)})`
      : `${typeof code === 'string' ? `${code} ` : ''}${String(message ?? error)}`;
  // Twilio's texts may quote a phone number; the logs only ever show them masked.
  const reason = text.replace(/\+\d{7,15}/g, (phone) => maskPhone(phone));
  return { reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

export interface FoundMessage {
  sid: string;
  status: TwilioMessageStatus;
}

/** What this client reads of a page of Twilio's Messages list. */
interface MessagesPage {
  instances: MessageInstance[];
  nextPage(): Promise<MessagesPage> | undefined;
}

/** Messages asked for per page when looking one up (Twilio's default page size). */
const LIST_PAGE_SIZE = 50;

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
      return outcomeOf(error);
    }
  }

  /**
   * An outbound message Twilio has from `from` to `to` with this body, created within the window
   * — whatever its status: one still in Twilio's queue has no date_sent yet — and whose sid is not
   * `isKnown` (an earlier message with the same text). The list has no DateCreated filter: it is
   * paged newest first until past the window. Rejects when Twilio cannot be asked.
   */
  async findSent(query: {
    from: string;
    to: string;
    body: string;
    createdAfter: Date;
    createdBefore: Date;
    isKnown: (sid: string) => Promise<boolean>;
  }): Promise<FoundMessage | undefined> {
    let page: MessagesPage | undefined = await this.twilio.messages.page({
      from: query.from,
      to: query.to,
      pageSize: LIST_PAGE_SIZE,
    });
    while (page) {
      for (const message of page.instances) {
        if (message.dateCreated < query.createdAfter) return undefined;
        if (message.dateCreated > query.createdBefore) continue;
        if (!message.direction.startsWith('outbound') || message.body !== query.body) continue;
        if (await query.isKnown(message.sid)) continue;
        return { sid: message.sid, status: message.status };
      }
      page = await page.nextPage();
    }
    return undefined;
  }
}

/** Sorts a failed create by what the sender must do next. */
export function outcomeOf(error: unknown): SendOutcome {
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status !== 'number') {
    if (typeof code === 'string' && NOT_SENT_ERRORS.includes(code)) {
      return { kind: 'outage', ...troubleOf(error) };
    }
    return { kind: 'unknown', ...troubleOf(error) }; // a timeout, a reset: it may have arrived
  }
  if (status >= 500) return { kind: 'unknown', ...troubleOf(error) };
  const numericCode = Number(code);
  if (isRefusal(status, numericCode)) {
    return {
      kind: 'refused',
      code: String(numericCode),
      message: String((error as Error).message),
    };
  }
  return { kind: 'outage', ...troubleOf(error) };
}
