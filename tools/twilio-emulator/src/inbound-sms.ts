import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { API_VERSION, type EmulatorContext } from './context';
import { newSid } from './formats';
import { countSegments, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from '@fidelis/sms';
import type { OwnedNumber, StoredMessage } from './state';
import { sendSignedWebhook } from './signed-webhook';

export interface InboundSms {
  from: string;
  to: OwnedNumber;
  body: string;
  mediaUrls: string[];
  mediaContentTypes: string[];
  /** Set to deliver the same message again, as Twilio does when it retries a webhook. */
  messageSid?: string;
}

export interface InboundResult {
  messageSid: string;
  webhookStatus: number | null;
  webhookBody: string | null;
  webhookError?: string;
}

const HELP_KEYWORDS = new Set(['HELP', 'INFO']);

/**
 * Receives an SMS/MMS on an owned number: stores it, applies STOP/START like Twilio, and calls the
 * number's SmsUrl with the signed form Twilio sends. Answers what the webhook answered.
 */
export async function receiveInboundSms(
  ctx: EmulatorContext,
  inbound: InboundSms,
): Promise<InboundResult> {
  const message = storeInbound(ctx, inbound);
  const optOutType = applyKeywords(ctx, inbound);
  const params: Record<string, string> = {
    ToCountry: country(inbound.to.phoneNumber),
    ToState: '',
    SmsMessageSid: message.sid,
    NumMedia: String(inbound.mediaUrls.length),
    ToCity: '',
    FromZip: '',
    SmsSid: message.sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: inbound.body,
    FromCountry: country(inbound.from),
    To: inbound.to.phoneNumber,
    ToZip: '',
    NumSegments: String(message.numSegments),
    MessageSid: message.sid,
    AccountSid: ctx.accountSid,
    From: inbound.from,
    ApiVersion: API_VERSION,
  };
  inbound.mediaUrls.forEach((url, i) => {
    params[`MediaUrl${i}`] = url;
    params[`MediaContentType${i}`] = inbound.mediaContentTypes[i] ?? 'image/jpeg';
  });
  if (optOutType) params.OptOutType = optOutType;

  try {
    const result = await sendSignedWebhook(
      ctx.authToken,
      inbound.to.smsUrl,
      inbound.to.smsMethod,
      params,
      message.sid,
    );
    ctx.log({ event: 'inbound-webhook', messageSid: message.sid, http: result.status });
    return { messageSid: message.sid, webhookStatus: result.status, webhookBody: result.body };
  } catch (error) {
    ctx.log({ event: 'inbound-webhook-failed', messageSid: message.sid, error: String(error) });
    return {
      messageSid: message.sid,
      webhookStatus: null,
      webhookBody: null,
      webhookError: String(error),
    };
  }
}

function storeInbound(ctx: EmulatorContext, inbound: InboundSms): StoredMessage {
  const existing = inbound.messageSid ? ctx.state.findMessage(inbound.messageSid) : undefined;
  if (existing) return existing;
  const now = new Date();
  const message: StoredMessage = {
    sid: inbound.messageSid ?? newSid(inbound.mediaUrls.length > 0 ? 'MM' : 'SM'),
    direction: 'inbound',
    from: inbound.from,
    to: inbound.to.phoneNumber,
    body: inbound.body,
    mediaUrls: inbound.mediaUrls,
    numSegments: countSegments(inbound.body),
    status: 'received',
    errorCode: null,
    errorMessage: null,
    messagingServiceSid: null,
    statusCallback: null,
    price: null,
    dateCreated: now,
    dateSent: now,
    dateUpdated: now,
  };
  ctx.state.messages.push(message);
  return message;
}

function applyKeywords(ctx: EmulatorContext, inbound: InboundSms): string | undefined {
  const keyword = inbound.body.trim().toUpperCase();
  // The owned number may no longer text someone who sent STOP to it.
  if (OPT_OUT_KEYWORDS.has(keyword)) {
    ctx.state.setOptOut(inbound.to.phoneNumber, inbound.from, true);
    return 'STOP';
  }
  if (OPT_IN_KEYWORDS.has(keyword)) {
    ctx.state.setOptOut(inbound.to.phoneNumber, inbound.from, false);
    return 'START';
  }
  return HELP_KEYWORDS.has(keyword) ? 'HELP' : undefined;
}

function country(phoneNumber: string): string {
  return parsePhoneNumberFromString(phoneNumber)?.country ?? '';
}
