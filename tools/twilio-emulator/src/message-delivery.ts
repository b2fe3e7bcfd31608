import type { EmulatorContext } from './context';
import type { MessageStatus, StoredMessage } from './state';
import { sendSignedWebhook } from './signed-webhook';

/** Texts Twilio uses for the delivery error codes a script is likely to pick. */
const ERROR_MESSAGES: Record<number, string> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

/** Price of one outbound US segment, as Twilio reports it (negative: a charge). */
const SEGMENT_PRICE = 0.0079;

/**
 * Moves an accepted message through the carrier: `sent` then `delivered`, or for a scripted
 * destination `sent` then `undelivered` (a `failed` message never leaves Twilio, so it skips
 * `sent`). Each step waits the callback delay, updates the stored message, then posts the
 * StatusCallback if there is one — one at a time, so callbacks leave in order. The message stays
 * `queued` with no `date_sent` until it is sent: `holdMs` longer when a fault holds it there.
 */
export async function deliverMessage(
  ctx: EmulatorContext,
  message: StoredMessage,
  holdMs = 0,
): Promise<void> {
  const { state } = ctx;
  const generation = state.generation;
  if (holdMs > 0) {
    await state.sleep(holdMs);
    if (state.generation !== generation) return;
  }
  const failure = state.failingDestinations.get(message.to);
  const steps: MessageStatus[] = !failure
    ? ['sent', 'delivered']
    : failure.status === 'failed'
      ? ['failed']
      : ['sent', 'undelivered'];

  for (const status of steps) {
    await state.sleep(ctx.callbackDelayMs);
    if (state.generation !== generation) return;
    const isFailure = status === 'failed' || status === 'undelivered';
    message.status = status;
    message.dateUpdated = new Date();
    if (status === 'sent') {
      message.dateSent = message.dateUpdated;
      message.price = (-SEGMENT_PRICE * message.numSegments).toFixed(5);
    }
    if (isFailure && failure) {
      message.errorCode = failure.errorCode;
      message.errorMessage = ERROR_MESSAGES[failure.errorCode] ?? 'Unknown error';
    }
    if (message.statusCallback) await postStatusCallback(ctx, message, message.statusCallback);
  }
}

async function postStatusCallback(
  ctx: EmulatorContext,
  message: StoredMessage,
  url: string,
): Promise<void> {
  const params: Record<string, string> = {
    MessageSid: message.sid,
    SmsSid: message.sid,
    AccountSid: ctx.accountSid,
    From: message.from ?? '',
    To: message.to,
    MessageStatus: message.status,
    SmsStatus: message.status,
    ApiVersion: '2010-04-01',
  };
  if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
  if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
  try {
    const result = await sendSignedWebhook(
      ctx.authToken,
      url,
      'POST',
      params,
      `${message.sid}:${message.status}`,
    );
    ctx.log({
      event: 'status-callback',
      messageSid: message.sid,
      status: message.status,
      http: result.status,
    });
  } catch (error) {
    // Twilio does not retry status callbacks: note it and carry on.
    ctx.log({ event: 'status-callback-failed', messageSid: message.sid, error: String(error) });
  }
}
