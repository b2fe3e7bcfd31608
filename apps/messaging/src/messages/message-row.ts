import {
  FallbackView,
  MessageStatus,
  MessageView,
  RouteView,
  TwilioMessageStatus,
} from '@fidelis/contracts';

/** A row of messaging.messages as the driver returns it. */
export interface MessageRow {
  id: string;
  direction: 'inbound' | 'outbound';
  student_id: string | null;
  staff_id: string | null;
  from_phone: string;
  to_phone: string | null;
  body: string;
  media: { url: string; contentType?: string }[];
  status: MessageStatus;
  twilio_sid: string | null;
  error_code: string | null;
  fallback: FallbackView | null;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  bulk_id: string | null;
  send_at: Date | null;
  route: RouteView | null;
  flags?: string[];
  created_at: Date;
  updated_at: Date;
}

export function toMessageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    direction: row.direction,
    studentId: row.student_id,
    staffId: row.staff_id,
    from: row.from_phone,
    to: row.to_phone,
    body: row.body,
    media: row.media,
    status: row.status,
    twilioSid: row.twilio_sid,
    errorCode: row.error_code,
    fallback: row.fallback,
    segments: row.segments,
    encoding: row.encoding,
    bulkId: row.bulk_id,
    sendAt: row.send_at?.toISOString() ?? null,
    route: row.route,
    flags: row.flags ?? [],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Status order of an outbound message: a report of a lower rank than the current status is late
 * and changes nothing (delivered stays delivered after a late `sent`); the first final one wins.
 * `receiving` and `received` describe inbound messages: they never move an outbound one.
 */
export const STATUS_RANK_SQL = (column: string) => `CASE ${column}
  WHEN 'receiving' THEN -1 WHEN 'received' THEN -1
  WHEN 'queued' THEN 0 WHEN 'accepted' THEN 0 WHEN 'scheduled' THEN 0
  WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
  ELSE 3 END`;

export const FAILED_STATUSES: readonly string[] = ['failed', 'undelivered'];

/**
 * What a status Twilio reports (any it documents) makes of an outbound message, in the statuses
 * the dashboard knows: `scheduled` is still queued; `read` (WhatsApp, after delivered) proves it
 * delivered; `partially_delivered` (part of it did not arrive) is undelivered and `canceled` (it
 * will never be sent) failed, so that email carries the whole text; `receiving` and `received`
 * describe inbound messages and change nothing (undefined).
 */
export function outboundStatusOf(reported: TwilioMessageStatus): MessageStatus | undefined {
  switch (reported) {
    case 'scheduled':
      return 'queued';
    case 'read':
      return 'delivered';
    case 'partially_delivered':
      return 'undelivered';
    case 'canceled':
      return 'failed';
    case 'receiving':
    case 'received':
      return undefined;
    case 'queued':
    case 'accepted':
    case 'sending':
    case 'sent':
    case 'delivered':
    case 'undelivered':
    case 'failed':
      return reported;
  }
}
