import { describe, expect, it } from 'vitest';
import { student } from '../testing/fixtures';
import { bulkCost, costWords, matchesLine, pastedLines, previews } from './bulk-message';

describe('a pasted list', () => {
  it('reads one entry per line or between commas, trimmed, without blanks or repeats', () => {
    const lines = pastedLines(
      ' ada@example.edu ,\n\n(415) 555-0101; s-42\r\nADA@example.edu\ts-43,',
    );
    expect(lines.map(({ line }) => line)).toEqual([
      'ada@example.edu',
      '(415) 555-0101',
      's-42',
      's-43',
    ]);
  });

  it('tells emails, phones (in any US writing) and ids apart', () => {
    expect(pastedLines('Ada@Example.edu')).toEqual([
      { line: 'Ada@Example.edu', kind: 'email', email: 'ada@example.edu' },
    ]);
    for (const written of ['(415) 555-0101', '415.555.0101', '+1 415 555 0101', '4155550101']) {
      expect(pastedLines(written)[0]).toMatchObject({ kind: 'phone-or-id', phone: '+14155550101' });
    }
    expect(pastedLines('12345')[0]).toMatchObject({ kind: 'id' });
    expect(pastedLines('student-7')[0]).toMatchObject({ kind: 'id' });
  });

  it('matches a student only exactly: the whole email, the same phone, the same id', () => {
    const maya = student({ id: '4155550101', email: 'maya@example.edu' });
    const [email, phone] = pastedLines('MAYA@example.edu, (415) 555-0101');
    expect(matchesLine(maya, email)).toBe(true);
    expect(matchesLine(maya, pastedLines('aya@example.edu')[0])).toBe(false);
    expect(matchesLine(maya, phone)).toBe(true);
    expect(matchesLine(student({ smsPhone: '+14155550199', id: 'x' }), phone)).toBe(false);
    expect(matchesLine(maya, pastedLines('student-1')[0])).toBe(false);
  });
});

describe('the preview and the cost', () => {
  const recipients = [
    student({ id: 's1', name: 'Ada King Lovelace' }),
    student({ id: 's2', name: 'Bo' }),
    student({ id: 's3', name: 'Cy Young' }),
    student({ id: 's4', name: 'Dee Dee', smsPhone: null }),
  ];

  it("fills each of the first three recipients' names in", () => {
    expect(previews('Hi {{firstName}} ({{name}})', recipients)).toEqual([
      { student: recipients[0], text: 'Hi Ada (Ada King Lovelace)' },
      { student: recipients[1], text: 'Hi Bo (Bo)' },
      { student: recipients[2], text: 'Hi Cy (Cy Young)' },
    ]);
  });

  it('counts texts to students with an SMS phone, each as its own length', () => {
    const cost = bulkCost('Hi {{firstName}}, class moves to 6pm.', recipients);
    expect(cost).toEqual({
      texted: 3,
      emailed: 1,
      minSegments: 1,
      maxSegments: 1,
      messages: 3,
      encoding: 'GSM-7',
    });
    expect(costWords(cost)).toBe('3 recipients × 1 segment = 3 messages');
  });

  it('gives a range when a longer name takes a text into a second segment', () => {
    // 150 characters and the name: "Bo" fits one segment of 160, "Ada King Lovelace" does not.
    const cost = bulkCost(`${'x'.repeat(150)} {{name}}`, recipients.slice(0, 2));
    expect(costWords(cost)).toBe('2 recipients × 1–2 segments = 3 messages');
  });

  it('says UCS-2 when a character outside GSM-7 is in the text', () => {
    expect(bulkCost('See you there 🎉', recipients.slice(0, 1))).toMatchObject({
      encoding: 'UCS-2',
      messages: 1,
    });
  });
});
