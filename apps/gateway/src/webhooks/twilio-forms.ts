import {
  createEnvelope,
  EventDefinition,
  EventEnvelope,
  MediaItem,
  SmsReceived,
  SmsReceivedPayload,
  SmsStatusReported,
  SmsStatusReportedPayload,
  TwilioMessageStatus,
  validateEvent,
} from '@fidelis/contracts';

/** A webhook's form as Express parsed it; Twilio sends flat string fields. */
export type TwilioForm = Record<string, string | string[] | undefined>;

/**
 * One field as text. Postgres cannot store NUL in text: it becomes U+FFFD, visibly, so that the
 * message is kept rather than refused on every retry.
 */
const text = (form: TwilioForm, key: string): string => {
  const value = form[key];
  return ((Array.isArray(value) ? value[0] : value) ?? '').replaceAll('\u0000', '\uFFFD');
};

/** Builds and validates an event from a webhook; an InvalidEventError names what is missing. */
function toEvent<P extends object>(definition: EventDefinition<P>, payload: P): EventEnvelope<P> {
  return validateEvent(definition, createEnvelope(definition, payload));
}

/** An inbound SMS/MMS webhook as an `SmsReceived` event (media from NumMedia, MediaUrlN, …). */
export function smsReceivedFromForm(form: TwilioForm): EventEnvelope<SmsReceivedPayload> {
  const media: MediaItem[] = [];
  const count = Math.min(Number.parseInt(text(form, 'NumMedia'), 10) || 0, 10);
  for (let index = 0; index < count; index += 1) {
    media.push({
      url: text(form, `MediaUrl${index}`),
      contentType: text(form, `MediaContentType${index}`),
    });
  }
  return toEvent(SmsReceived, {
    messageSid: text(form, 'MessageSid'),
    accountSid: text(form, 'AccountSid'),
    from: text(form, 'From'),
    to: text(form, 'To'),
    body: text(form, 'Body'),
    media,
    receivedAt: new Date().toISOString(),
  });
}

/** A status callback as an `SmsStatusReported` event. */
export function statusReportedFromForm(form: TwilioForm): EventEnvelope<SmsStatusReportedPayload> {
  return toEvent(SmsStatusReported, {
    messageSid: text(form, 'MessageSid'),
    status: (text(form, 'MessageStatus') || text(form, 'SmsStatus')) as TwilioMessageStatus,
    errorCode: text(form, 'ErrorCode') || null,
    reportedAt: new Date().toISOString(),
  });
}
