import { createEnvelope, ROLES, SmsStatusChanged } from '@fidelis/contracts';
import { concerns, frame, smsStatus } from './dashboard-events';

describe('dashboard events', () => {
  const event = smsStatus(
    createEnvelope(SmsStatusChanged, {
      messageId: '5d3c1a2e-0b4f-4e6a-9c8d-7f1e2a3b4c5d',
      direction: 'outbound',
      studentId: 's-1',
      staffId: 'c-1',
      from: '+14155231234',
      to: '+14155550123',
      status: 'delivered',
      errorCode: null,
      twilioSid: 'SM0123',
      fallback: null,
      bulkId: null,
      segments: 1,
      changedAt: '2026-01-01T00:00:00.000Z',
    }),
  );

  it('concerns the message’s staff member, every admin and every manager, nobody else', () => {
    const others = Object.fromEntries(
      ROLES.map((role) => [role, concerns(event, { staffId: 'c-2', role })]),
    );
    expect(others).toEqual({
      admin: true,
      coach_manager: true,
      instructor_manager: true,
      coach: false,
      instructor: false,
      mentor_coach: false,
    });
    expect(concerns(event, { staffId: 'c-1', role: 'coach' })).toBe(true);
    expect(concerns({ ...event, staffId: null }, { staffId: 'c-1', role: 'coach' })).toBe(false);
  });

  it('is one frame with its id, name and JSON data on one line', () => {
    const text = frame({ ...event, data: { body: 'two\nlines' } });
    expect(text).toBe(`id: ${event.id}\nevent: sms.status\ndata: {"body":"two\\nlines"}\n\n`);
  });
});
