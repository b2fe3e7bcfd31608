import { Router, type Request } from 'express';
import { isValidPhoneNumber } from 'libphonenumber-js';
import { accountPath, API_VERSION, type EmulatorContext } from './context';
import { field, fields, isE164, newSid, rfc2822 } from './formats';
import { deliverMessage } from './message-delivery';
import { pageOf, queryEntries } from './paging';
import { countSegments } from '@fidelis/sms';
import type { StoredMessage } from './state';
import { authenticateError, notFoundError, TwilioApiError } from './twilio-error';

const MAX_BODY_CHARS = 1600;
/** Faults about the answer to a create; `held-queued` is about what happens to the message. */
const ANSWER_FAULTS = [
  'rate-limit',
  'unauthorized',
  'server-error',
  'drop-after-accept',
  'late-answer',
] as const;

/** The Message resource exactly as schema `api.v2010.account.message` describes it. */
export function toMessageResource(ctx: EmulatorContext, m: StoredMessage): Record<string, unknown> {
  const uri = `${accountPath(ctx)}/Messages/${m.sid}`;
  return {
    account_sid: ctx.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: m.price,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: m.to,
    uri: `${uri}.json`,
  };
}

export function messagesRouter(ctx: EmulatorContext): Router {
  const router = Router();
  const { state } = ctx;

  router.post('/Messages.json', async (req, res) => {
    const to = field((req.body as Record<string, unknown> | undefined)?.To);
    state.createsAsked.set(to ?? '', (state.createsAsked.get(to ?? '') ?? 0) + 1);
    const fault = state.takeFault(to, ANSWER_FAULTS);
    switch (fault?.kind) {
      case 'unauthorized':
        res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
        throw authenticateError();
      case 'rate-limit':
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        throw new TwilioApiError(429, 20429, 'Too Many Requests');
      case 'server-error':
        throw fault.status === 503
          ? new TwilioApiError(503, 20503, 'Service Unavailable')
          : new TwilioApiError(500, 20500, 'Internal Server Error');
      case 'drop-after-accept':
      case 'late-answer':
      case 'held-queued':
      case undefined:
        break; // these create the message; they act below
    }
    const message = createOutbound(ctx, req);
    state.messages.push(message);
    const hold = state.takeFault(to, ['held-queued']);
    void deliverMessage(ctx, message, hold?.kind === 'held-queued' ? hold.holdMs : 0);
    if (fault?.kind === 'drop-after-accept') {
      // Accepted and stored, but the client never hears back: an ambiguous failure.
      req.socket.destroy();
      return;
    }
    // The answer as of the create, even when a fault makes it leave later.
    const answer = toMessageResource(ctx, message);
    if (fault?.kind === 'late-answer') {
      // Accepted and stored at once; the answer comes after the client may have given up.
      await state.sleep(fault.delayMs);
      if (req.socket.destroyed) return;
    }
    res.status(201).json(answer);
  });

  router.get('/Messages.json', (req, res) => {
    const query = queryEntries(req);
    const to = query.get('To');
    const from = query.get('From');
    const sentOn = parseDateFilter(query.get('DateSent'), 'DateSent');
    const sentBefore = parseDateFilter(query.get('DateSent<'), 'DateSent<');
    const sentAfter = parseDateFilter(query.get('DateSent>'), 'DateSent>');
    const matching = state.messages
      .filter((m) => (to === undefined || m.to === to) && (from === undefined || m.from === from))
      .filter((m) => {
        const sent = m.dateSent?.getTime();
        if (!sentOn && !sentBefore && !sentAfter) return true;
        if (sent === undefined) return false;
        return (
          (!sentOn || (sent >= sentOn.from && sent <= sentOn.to)) &&
          (!sentBefore || sent <= sentBefore.to) &&
          (!sentAfter || sent >= sentAfter.from)
        );
      })
      .reverse(); // newest first
    res.json(
      pageOf(req, `${accountPath(ctx)}/Messages.json`, 'messages', matching, (m) =>
        toMessageResource(ctx, m),
      ),
    );
  });

  router.get('/Messages/:sid.json', (req, res) => {
    const message = state.findMessage(req.params.sid);
    if (!message) throw notFoundError(req.originalUrl.split('?')[0]);
    res.json(toMessageResource(ctx, message));
  });

  return router;
}

/** Validates a create request in Twilio's order of complaints and builds the queued message. */
function createOutbound(ctx: EmulatorContext, req: Request): StoredMessage {
  const form = (req.body ?? {}) as Record<string, unknown>;
  const to = field(form.To)?.trim();
  const messagingServiceSid = field(form.MessagingServiceSid) ?? null;
  let from = field(form.From)?.trim();
  const body = field(form.Body) ?? '';
  const mediaUrls = fields(form.MediaUrl);
  const statusCallback = field(form.StatusCallback) || null;

  if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  if (!isE164(to) || !isValidPhoneNumber(to)) {
    throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  }
  if (messagingServiceSid !== null && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
    throw new TwilioApiError(
      400,
      21701,
      `The Messaging Service Sid ${messagingServiceSid} is invalid.`,
    );
  }
  if (!from && messagingServiceSid) {
    // A Messaging Service picks a sender from its pool; here the pool is every owned number.
    from = [...ctx.state.numbers.values()][0]?.phoneNumber;
  }
  if (!from) {
    throw new TwilioApiError(
      400,
      21603,
      "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    );
  }
  if (body === '' && mediaUrls.length === 0) {
    throw new TwilioApiError(400, 21602, 'Message body is required.');
  }
  if (Array.from(body).length > MAX_BODY_CHARS) {
    throw new TwilioApiError(
      400,
      21617,
      'The concatenated message body exceeds the 1600 character limit.',
    );
  }
  if (!ctx.state.findNumberByPhone(from)) {
    throw new TwilioApiError(
      400,
      21606,
      `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    );
  }
  if (ctx.state.isOptedOut(from, to)) {
    throw new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient');
  }

  const now = new Date();
  return {
    sid: newSid(mediaUrls.length > 0 ? 'MM' : 'SM'),
    direction: 'outbound-api',
    from,
    to,
    body,
    mediaUrls,
    numSegments: countSegments(body),
    status: 'queued',
    errorCode: null,
    errorMessage: null,
    messagingServiceSid,
    statusCallback,
    price: null,
    dateCreated: now,
    // Twilio stamps date_sent when the message leaves its queue (message-delivery.ts).
    dateSent: null,
    dateUpdated: now,
  };
}

interface DateRange {
  from: number;
  to: number;
}

/** `YYYY-MM-DD` covers that whole GMT day; a date-time is exact to the second. Bounds inclusive. */
function parseDateFilter(value: string | undefined, name: string): DateRange | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const from = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(from)) return { from, to: from + 86_400_000 - 1 };
  } else {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) {
      const second = Math.floor(at / 1000) * 1000;
      return { from: second, to: second + 999 };
    }
  }
  throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
}
