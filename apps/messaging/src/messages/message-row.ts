import { FallbackView, MessageStatus, MessageView } from '@fidelis/contracts';

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
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Status order of an outbound message: a report of a lower rank than the current status is late
 * and changes nothing (delivered stays delivered after a late `sent`); the first final one wins.
 */
export const STATUS_RANK_SQL = (column: string) => `CASE ${column}
  WHEN 'queued' THEN 0 WHEN 'accepted' THEN 0 WHEN 'scheduled' THEN 0
  WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
  ELSE 3 END`;

export const FAILED_STATUSES: readonly string[] = ['failed', 'undelivered'];
