import { parsePhone } from '.';

describe('parsePhone', () => {
  it('reads national formats in the default country and gives E.164', () => {
    expect(parsePhone('(415) 555-0101', 'US')).toEqual({ ok: true, e164: '+14155550101' });
    expect(parsePhone('415.555.0101', 'US')).toEqual({ ok: true, e164: '+14155550101' });
  });

  it('reads international numbers whatever the default country', () => {
    expect(parsePhone('+44 7911 123456', 'US')).toEqual({ ok: true, e164: '+447911123456' });
  });

  it('refuses what is not a phone number, with the reason', () => {
    expect(parsePhone('not a phone', 'US')).toEqual({ ok: false, reason: 'is not a phone number' });
    expect(parsePhone('+1 123', 'US').ok).toBe(false);
    expect(parsePhone('(415) 555-01', 'US').ok).toBe(false);
  });

  it('refuses numbers that cannot receive an SMS, such as toll-free ones', () => {
    expect(parsePhone('+1 800 555 0199', 'US')).toEqual({
      ok: false,
      reason: 'is a toll free number, not a mobile or fixed-line one',
    });
  });
});
