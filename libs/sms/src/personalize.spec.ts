import { personalize } from './personalize';

describe('personalize', () => {
  it('fills {{firstName}} and {{name}}, with or without spaces in the braces', () => {
    expect(personalize('Hi {{firstName}} ({{ name }})!', 'Ada  King Lovelace')).toBe(
      'Hi Ada (Ada  King Lovelace)!',
    );
  });

  it('leaves other braces as they are', () => {
    expect(personalize('Room {{room}} at {x}', 'Sam Student')).toBe('Room {{room}} at {x}');
  });
});
