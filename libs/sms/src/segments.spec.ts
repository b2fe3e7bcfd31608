import { countSegments, smsSize } from './segments';

describe('countSegments', () => {
  it.each([
    ['an empty body', '', 1],
    ['160 GSM-7 characters', 'a'.repeat(160), 1],
    ['161 GSM-7 characters', 'a'.repeat(161), 2],
    ['306 GSM-7 characters', 'a'.repeat(306), 2],
    ['307 GSM-7 characters', 'a'.repeat(307), 3],
    ['80 extension characters (160 septets)', '€'.repeat(80), 1],
    ['81 extension characters (162 septets)', '€'.repeat(81), 2],
    ['70 UCS-2 characters', 'é'.repeat(69) + 'ł', 1],
    ['71 UCS-2 characters', 'ł'.repeat(71), 2],
    ['134 UCS-2 characters', 'ł'.repeat(134), 2],
    ['135 UCS-2 characters', 'ł'.repeat(135), 3],
    ['35 emoji (70 code units)', '👍'.repeat(35), 1],
    // 134 code units fit two 67-unit segments only if the emoji straddled them.
    ['an emoji at a segment boundary', 'a'.repeat(66) + '👍' + 'a'.repeat(66), 3],
  ])('counts %s as %i segment(s)', (_name, body, expected) => {
    expect(countSegments(body)).toBe(expected);
  });
});

describe('smsSize', () => {
  it('keeps a plain body in GSM-7', () => {
    expect(smsSize('See you at 5, {{name}}!')).toEqual({ encoding: 'GSM-7', segments: 1 });
  });

  it('turns a body with a curly quote or an emoji into UCS-2', () => {
    expect(smsSize('It’s at 5')).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSize('a'.repeat(100) + '👍')).toEqual({ encoding: 'UCS-2', segments: 2 });
  });
});
