import {
  EventEnvelope,
  InboundSmsStoredPayload,
  MANAGER_ROLES,
  OptChange,
  Role,
  SmsStatusChangedPayload,
} from '@fidelis/contracts';

export const DASHBOARD_EVENT_NAMES = ['sms.received', 'sms.status'] as const;
export type DashboardEventName = (typeof DASHBOARD_EVENT_NAMES)[number];

/** One server-sent event: for the staff member it concerns, and for every admin and manager. */
export interface DashboardEvent {
  /** The broker event's id: the same event seen twice (a republish) has the same id. */
  id: string;
  name: DashboardEventName;
  /** Whose message it is; null for a message on a number nobody held. */
  staffId: string | null;
  data: object;
}

/** `sms.received`: the message in the contract's shape, plus how it was attributed. */
export interface SmsReceivedData {
  id: string;
  direction: 'inbound';
  studentId: string | null;
  staffId: string | null;
  from: string;
  to: string;
  body: string;
  media: { url: string; contentType: string }[];
  status: 'received' | 'unroutable';
  twilioSid: string;
  errorCode: null;
  fallback: null;
  createdAt: string;
  studentName: string | null;
  /** Several students share the phone and none was recently messaged from this number. */
  ambiguous: boolean;
  candidateStudentIds: string[];
  optChange: OptChange | null;
  /** `possible-opt-out`: asked to stop in its own words; staff confirm or dismiss it. */
  flags: string[];
}

export function smsReceived(event: EventEnvelope<InboundSmsStoredPayload>): DashboardEvent {
  const message = event.payload;
  const data: SmsReceivedData = {
    id: message.messageId,
    direction: 'inbound',
    studentId: message.studentId ?? null,
    staffId: message.staffId ?? null,
    from: message.from,
    to: message.to,
    body: message.body,
    media: message.media.map(({ url, contentType }) => ({ url, contentType })),
    status: message.status,
    twilioSid: message.messageSid,
    errorCode: null,
    fallback: null,
    createdAt: message.receivedAt,
    studentName: message.studentName ?? null,
    ambiguous: message.ambiguous,
    candidateStudentIds: message.candidateStudentIds,
    optChange: message.optChange ?? null,
    flags: message.flags ?? [],
  };
  return { id: event.eventId, name: 'sms.received', staffId: data.staffId, data };
}

/** `sms.status`: the SmsStatusChanged payload as it is (no body; the message has it). */
export function smsStatus(event: EventEnvelope<SmsStatusChangedPayload>): DashboardEvent {
  return {
    id: event.eventId,
    name: 'sms.status',
    staffId: event.payload.staffId ?? null,
    data: event.payload,
  };
}

/** Admins and managers see every message; everyone else the messages of their own number. */
export function concerns(event: DashboardEvent, viewer: { staffId: string; role: Role }): boolean {
  return (
    viewer.role === 'admin' ||
    MANAGER_ROLES.includes(viewer.role) ||
    (event.staffId !== null && event.staffId === viewer.staffId)
  );
}

/** The event as one frame of a `text/event-stream` (JSON has no raw line breaks). */
export function frame(event: DashboardEvent): string {
  return `id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
