/** Every status a message can have: Twilio's, plus ours. */
export const MESSAGE_STATUSES = [
  'queued',
  'accepted',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'received',
  /** Inbound: no number owner and no admin yet. */
  'unroutable',
  /** Outbound: the student has neither an SMS phone nor an email. */
  'undeliverable',
  /** Outbound: waits for `sendAt` (asked for, or the end of the student's quiet hours). */
  'scheduled',
  /** Outbound: a scheduled message its sender (or an admin) canceled before it went. */
  'canceled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FALLBACK_STATUSES = ['pending', 'sent', 'failed'] as const;
export type FallbackStatus = (typeof FALLBACK_STATUSES)[number];

/** The same text sent by email when SMS could not carry it. */
export interface FallbackView {
  channel: 'email';
  to: string;
  status: FallbackStatus;
  at: string;
}

/**
 * Why an inbound message went where it went, decided when it arrived: how its student was found
 * (their SMS phone; the latest conversation on this number when the phone is shared; or not —
 * unknown with no candidates, ambiguous with several) and who held its `To` number, since when.
 * Later corrections by people show on the message's `studentId` and `staffId`, not here.
 */
export interface RouteView {
  student: { by: 'smsPhone' | 'latestConversation' | null; candidates: string[] };
  staff: { id: string | null; heldSince: string | null };
}

/** A message as the dashboard sees it (CONTRACT.md §5), with what sending it costs. */
export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  studentId: string | null;
  staffId: string | null;
  from: string;
  /** Null for an outbound message to a student without an SMS phone. */
  to: string | null;
  body: string;
  media: { url: string; contentType?: string }[];
  status: MessageStatus;
  twilioSid: string | null;
  errorCode: string | null;
  fallback: FallbackView | null;
  /** SMS segments Twilio bills for this body, and the encoding that decides it. */
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  bulkId: string | null;
  /** When a scheduled message goes (or went); null for one sent at once. */
  sendAt: string | null;
  /** Inbound: the routing decision; null for outbound. */
  route: RouteView | null;
  /** Inbound: what staff should look at, e.g. `possible-opt-out` (asked to stop in other words). */
  flags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface BulkView {
  bulkId: string;
  total: number;
}

/**
 * A bulk send's progress. `queued`: not yet handed to Twilio or not yet reported sent; `failed`
 * counts failed, undelivered and undeliverable; `fallback`: carried (or being carried) by email.
 * `done`: every message has been handed to Twilio or settled by email, nothing is left to do.
 */
export interface BulkProgressView {
  bulkId: string;
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  fallback: number;
  /** Waiting for their `sendAt`: the end of the student's quiet hours, or the time asked for. */
  scheduled: number;
  done: boolean;
}
