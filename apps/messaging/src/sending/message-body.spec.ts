import { DomainError } from '@fidelis/contracts';
import { assertSendableBody, personalize } from './message-body';

describe('message bodies', () => {
  it('fills {{firstName}} and {{name}}, with or without spaces in the braces', () => {
    expect(personalize('Hi {{firstName}} ({{ name }})!', 'Ada  King Lovelace')).toBe(
      'Hi Ada (Ada  King Lovelace)!',
    );
  });

  it('refuses an empty body and one over 1,600 characters, counting emoji as one', () => {
    expect(() => assertSendableBody('  ')).toThrow(DomainError);
    expect(() => assertSendableBody('a'.repeat(1601))).toThrow(/1601 characters/);
    expect(() => assertSendableBody('👍'.repeat(1600))).not.toThrow();
  });
});
