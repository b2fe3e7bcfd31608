import { quietUntil } from './quiet-hours';

const NIGHT = { startMinute: 21 * 60, endMinute: 8 * 60 };

describe('quietUntil', () => {
  it('is null outside the window, at its end and just before its start', () => {
    expect(quietUntil(new Date('2026-03-02T17:00:00Z'), 'America/New_York', NIGHT)).toBeNull(); // 12:00
    expect(quietUntil(new Date('2026-03-02T13:00:00Z'), 'America/New_York', NIGHT)).toBeNull(); // 08:00
    expect(quietUntil(new Date('2026-03-03T01:59:00Z'), 'America/New_York', NIGHT)).toBeNull(); // 20:59
  });

  it("gives the next 08:00 in the student's zone from the evening and from the small hours", () => {
    // 21:00 in New York (EST, UTC−5) → 08:00 the next day.
    expect(quietUntil(new Date('2026-03-03T02:00:00Z'), 'America/New_York', NIGHT)).toEqual(
      new Date('2026-03-03T13:00:00Z'),
    );
    // 03:30 in Los Angeles → 08:00 the same day.
    expect(quietUntil(new Date('2026-03-03T11:30:00Z'), 'America/Los_Angeles', NIGHT)).toEqual(
      new Date('2026-03-03T16:00:00Z'),
    );
    // The same instant is afternoon in Tokyo: not quiet there.
    expect(quietUntil(new Date('2026-03-03T02:00:00Z'), 'Asia/Tokyo', NIGHT)).toBeNull();
  });

  it('keeps 08:00 local across the change to daylight saving time', () => {
    // New York springs forward on 8 March 2026: 08:00 that morning is EDT, UTC−4.
    expect(quietUntil(new Date('2026-03-08T04:00:00Z'), 'America/New_York', NIGHT)).toEqual(
      new Date('2026-03-08T12:00:00Z'),
    );
  });

  it('takes a window within one day, and none at all', () => {
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60 + 30 };
    expect(quietUntil(new Date('2026-03-02T12:15:00Z'), 'UTC', lunch)).toEqual(
      new Date('2026-03-02T13:30:00Z'),
    );
    expect(quietUntil(new Date('2026-03-02T13:30:00Z'), 'UTC', lunch)).toBeNull();
    expect(quietUntil(new Date('2026-03-03T02:00:00Z'), 'America/New_York', null)).toBeNull();
  });
});
