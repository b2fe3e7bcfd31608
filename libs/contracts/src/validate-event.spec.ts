import {
  createEnvelope,
  deriveEnvelope,
  InvalidEventError,
  SmsOptOutChanged,
  SmsReceived,
  StudentResolved,
  validateEvent,
} from '.';

const sms = {
  messageSid: `SM${'a'.repeat(32)}`,
  accountSid: `AC${'b'.repeat(32)}`,
  from: '+14155550101',
  to: '+14155550199',
  body: 'see you at 5',
  media: [{ url: 'https://example.com/a.jpg', contentType: 'image/jpeg' }],
  receivedAt: new Date().toISOString(),
};

describe('events', () => {
  it('routes by <domain>.<event-kebab>.v<N>', () => {
    expect(SmsReceived.routingKey).toBe('gateway.sms-received.v1');
    expect(StudentResolved.routingKey).toBe('routing.student-resolved.v1');
  });

  it('starts a chain with its own id as correlation and continues it from a cause', () => {
    const first = createEnvelope(SmsReceived, sms);
    expect(first.correlationId).toBe(first.eventId);
    expect(first.causationId).toBeNull();
    const next = createEnvelope(
      StudentResolved,
      { sms, studentId: 's1', candidateStudentIds: ['s1'] },
      { cause: first },
    );
    expect(next.correlationId).toBe(first.correlationId);
    expect(next.causationId).toBe(first.eventId);
  });

  it('derives the same event id from the same cause and type, and a valid envelope', () => {
    const cause = createEnvelope(SmsReceived, sms);
    const payload = { sms, studentId: 's1', candidateStudentIds: ['s1'] };
    const once = deriveEnvelope(StudentResolved, payload, cause);
    const again = deriveEnvelope(StudentResolved, payload, cause);
    expect(again.eventId).toBe(once.eventId);
    expect(once.causationId).toBe(cause.eventId);
    expect(once.correlationId).toBe(cause.correlationId);
    const optChange = {
      studentPhone: sms.from,
      number: sms.to,
      optedOut: true,
      at: sms.receivedAt,
    };
    expect(deriveEnvelope(SmsOptOutChanged, optChange, cause).eventId).not.toBe(once.eventId);
    const otherCause = createEnvelope(SmsReceived, sms);
    expect(deriveEnvelope(StudentResolved, payload, otherCause).eventId).not.toBe(once.eventId);
    expect(validateEvent(StudentResolved, JSON.parse(JSON.stringify(once))).eventId).toBe(
      once.eventId,
    );
  });

  it('accepts a well-formed envelope as a typed event', () => {
    const envelope = JSON.parse(JSON.stringify(createEnvelope(SmsReceived, sms))) as unknown;
    const event = validateEvent(SmsReceived, envelope);
    expect(event.payload.media[0].contentType).toBe('image/jpeg');
  });

  it('names every problem of a malformed payload', () => {
    const envelope = createEnvelope(SmsReceived, {
      ...sms,
      messageSid: 'nope',
      media: [{}],
    } as never);
    expect(() => validateEvent(SmsReceived, envelope)).toThrow(InvalidEventError);
    try {
      validateEvent(SmsReceived, envelope);
    } catch (error) {
      const problems = (error as InvalidEventError).problems.join('\n');
      expect(problems).toContain('payload.messageSid');
      expect(problems).toContain('payload.media.0.url');
    }
  });

  it('refuses another type, another version and a non-object', () => {
    const envelope = createEnvelope(SmsReceived, sms);
    expect(() => validateEvent(SmsReceived, { ...envelope, type: 'Other' })).toThrow(/type/);
    expect(() => validateEvent(SmsReceived, { ...envelope, version: 2 })).toThrow(/version/);
    expect(() => validateEvent(SmsReceived, 'text')).toThrow(/not a JSON object/);
  });
});
