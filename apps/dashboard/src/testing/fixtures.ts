import type { RoutedMessageView, StudentView, TileRow } from '@fidelis/contracts';
import type { Me } from '../lib/queries';

export const COACH_NUMBER = '+14155550100';
export const STUDENT_PHONE = '+14155550101';

let next = 0;

/** A message between the coach's number and a student, delivered unless told otherwise. */
export function message(overrides: Partial<RoutedMessageView> = {}): RoutedMessageView {
  next += 1;
  const at = new Date(Date.UTC(2026, 10, 3, 15, 0, next)).toISOString();
  const outbound = (overrides.direction ?? 'outbound') === 'outbound';
  return {
    id: `message-${next}`,
    direction: 'outbound',
    studentId: 'student-1',
    staffId: 'staff-1',
    from: outbound ? COACH_NUMBER : STUDENT_PHONE,
    to: outbound ? STUDENT_PHONE : COACH_NUMBER,
    body: `Message ${next}`,
    media: [],
    status: outbound ? 'delivered' : 'received',
    twilioSid: `SM${next}`,
    errorCode: null,
    fallback: null,
    segments: 1,
    encoding: 'GSM-7',
    bulkId: null,
    sendAt: null,
    route: null,
    flags: [],
    createdAt: at,
    updatedAt: at,
    ambiguous: false,
    candidateStudentIds: [],
    optChange: null,
    ...overrides,
  };
}

/** A conversation of the coach's tile. */
export function tileRow(overrides: Partial<TileRow> = {}): TileRow {
  const lastMessage = overrides.lastMessage ?? message({ direction: 'inbound' });
  return {
    studentId: lastMessage.studentId,
    contactPhone: STUDENT_PHONE,
    studentName: 'Maya Lopez',
    lastMessage,
    unreadCount: 0,
    updatedAt: lastMessage.createdAt,
    ...overrides,
  };
}

/** The signed-in coach, holding `number` (null: none assigned yet). */
export function me(number: string | null = COACH_NUMBER): Me {
  const at = '2026-11-01T12:00:00.000Z';
  return {
    id: 'staff-1',
    name: 'Casey Coach',
    email: 'casey@example.edu',
    role: 'coach',
    createdAt: at,
    updatedAt: at,
    number:
      number === null
        ? null
        : {
            id: 'number-1',
            phoneNumber: number,
            twilioSid: 'PN1',
            staffId: 'staff-1',
            assignedAt: at,
            status: 'active',
            createdAt: at,
            releasedAt: null,
          },
  };
}

/** The student the messages are with. */
export function student(overrides: Partial<StudentView> = {}): StudentView {
  const at = '2026-11-01T12:00:00.000Z';
  return {
    id: 'student-1',
    name: 'Maya Lopez',
    email: 'maya@example.edu',
    smsPhone: STUDENT_PHONE,
    timezone: null,
    sharesPhoneWith: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
