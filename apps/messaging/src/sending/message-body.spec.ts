import { DomainError } from '@fidelis/contracts';
import { assertSendableBody } from './message-body';

describe('message bodies', () => {
  it('refuses an empty body and one over 1,600 characters, counting emoji as one', () => {
    expect(() => assertSendableBody('  ')).toThrow(DomainError);
    expect(() => assertSendableBody('a'.repeat(1601))).toThrow(/1601 characters/);
    expect(() => assertSendableBody('👍'.repeat(1600))).not.toThrow();
  });
});
