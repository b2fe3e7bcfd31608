import { optChangeOf } from './opt-keywords';

describe('optChangeOf', () => {
  it.each([
    'STOP',
    'stop',
    'Stop ',
    'STOPALL',
    'unsubscribe',
    'Cancel',
    'END',
    'quit',
    'REVOKE',
    'OptOut',
    'stop!',
  ])('reads %j as an opt-out', (body) => expect(optChangeOf(body)).toBe('opted-out'));

  it.each(['START', 'yes', 'Unstop'])('reads %j as an opt-in', (body) =>
    expect(optChangeOf(body)).toBe('opted-in'),
  );

  it.each(['please stop texting me', 'STOP IT', 'yes please', '', 'stopp'])(
    'leaves %j alone: only the whole body counts',
    (body) => expect(optChangeOf(body)).toBeNull(),
  );
});
