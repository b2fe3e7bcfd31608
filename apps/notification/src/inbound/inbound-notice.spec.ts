import { InboundSmsStoredPayload } from '@fidelis/contracts';
import { inboundEmail, preview, pushPayload, pushTopic } from './inbound-notice';

const sms = (overrides: Partial<InboundSmsStoredPayload> = {}): InboundSmsStoredPayload => ({
  messageId: '7d0c1c2e-8f3a-4c1e-9a57-0b7f6f1d2e3a',
  messageSid: 'SM0123',
  studentId: 'student-1',
  studentName: 'Grace Hopper',
  ambiguous: false,
  candidateStudentIds: [],
  staffId: 'coach-1',
  from: '+14155550123',
  to: '+14155550100',
  body: 'See you at 5',
  media: [],
  status: 'received',
  optChange: null,
  receivedAt: '2025-01-01T10:00:00.000Z',
  ...overrides,
});

describe('preview', () => {
  it('keeps a short text as it is, spaces folded', () => {
    expect(preview('  See you\n\nat 5  ')).toBe('See you at 5');
  });

  it('cuts a long text at the last word that fits, with an ellipsis', () => {
    const text = `${'word '.repeat(30)}end`;
    const cut = preview(text, 22);
    expect(cut).toBe('word word word word…');
  });

  it('cuts a text without spaces at the limit, never inside a character', () => {
    expect(preview('😀'.repeat(30), 10)).toBe(`${'😀'.repeat(10)}…`);
    expect(preview('x'.repeat(150))).toBe(`${'x'.repeat(100)}…`);
  });
});

describe('pushPayload', () => {
  it('names a media-only message by its attachments', () => {
    const payload = pushPayload(
      sms({
        body: '',
        media: [
          { url: 'https://m/1', contentType: 'image/png' },
          { url: 'https://m/2', contentType: 'image/png' },
        ],
      }),
    );
    expect(payload.body).toBe('[2 attachments]');
  });

  it('tells of an opt-in', () => {
    expect(pushPayload(sms({ body: 'START', optChange: 'opted-in' })).body).toBe(
      'Opted back in to SMS from your number ("START").',
    );
  });

  it('says when a message may ask to stop texting in its own words', () => {
    const flagged = sms({ body: 'please stop texting me', flags: ['possible-opt-out'] });
    expect(pushPayload(flagged).body).toBe('May ask to stop texting: please stop texting me');
    expect(inboundEmail(flagged, { email: 'coach@example.edu' }).text).toContain(
      'It is not obeyed until you confirm or dismiss it in the dashboard.',
    );
  });
});

describe('inboundEmail', () => {
  it('says which students an ambiguous phone belongs to, and names the phone', () => {
    const mail = inboundEmail(
      sms({ ambiguous: true, studentId: null, candidateStudentIds: ['a', 'b'] }),
      { email: 'coach@example.edu' },
    );
    expect(mail.subject).toBe('New SMS from +14155550123');
    expect(mail.text).toContain('This phone belongs to 2 students');
  });

  it('has the opt-out in its subject', () => {
    const mail = inboundEmail(sms({ body: 'STOP', optChange: 'opted-out' }), {
      email: 'coach@example.edu',
    });
    expect(mail.subject).toBe('Grace Hopper opted out of SMS from your number');
  });
});

describe('pushTopic', () => {
  it('is the message id in the 32 URL-safe characters RFC 8030 allows a topic', () => {
    expect(pushTopic(sms())).toBe('7d0c1c2e8f3a4c1e9a570b7f6f1d2e3a');
  });
});
