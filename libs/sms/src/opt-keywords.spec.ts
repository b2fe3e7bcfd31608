import { flagsOf, isPossibleOptOut, optChangeOf } from './opt-keywords';

describe('optChangeOf', () => {
  it.each([
    'STOP',
    'stop',
    'Stop ',
    '  stop.  ',
    'stop!',
    '"STOP"',
    'STOP 🛑',
    'ＳＴＯＰ',
    'STOPALL',
    'stopall',
    'unsubscribe',
    'Unsubscribe.',
    'Cancel',
    'CANCEL!!',
    'END',
    'end',
    'quit',
    'Quit?',
    'REVOKE',
    'revoke',
    'OPTOUT',
    'OptOut',
    'OPT OUT',
    'opt out',
    'Opt-Out',
    ' opt  out! ',
  ])('reads %j as an opt-out', (body) => expect(optChangeOf(body)).toBe('opted-out'));

  it.each(['START', 'start', 'Start!', 'yes', 'YES.', 'Unstop', 'UNSTOP'])(
    'reads %j as an opt-in',
    (body) => expect(optChangeOf(body)).toBe('opted-in'),
  );

  it.each(['please stop texting me', 'STOP IT', 'yes please', '', '!!!', 'stopp', 'the end.'])(
    'leaves %j alone: only the whole body counts',
    (body) => expect(optChangeOf(body)).toBeNull(),
  );
});

describe('isPossibleOptOut', () => {
  it.each([
    'please stop texting me',
    'Please stop texting me.',
    'stop texting me',
    'Can you stop messaging me',
    'STOP SENDING ME MESSAGES',
    'stop sending me texts!',
    'Stop contacting my son',
    'pls stop texting!',
    'stop texting please',
    'Stop please',
    'please stop!!',
    'STOP IT',
    'stop it now',
    "don't text me anymore",
    'Don’t text me anymore',
    'dont text me',
    'do not message us again',
    'never text me again',
    'no more texts please',
    "I don't want these texts",
    'i do not want any more messages',
    'I no longer want to receive texts',
    'unsubscribe me',
    'how do I unsubscribe?',
    'I want to opt out',
    'I want to opt out of these texts',
    'how do I unsubscribe from your texts?',
    'unsubscribe from this list',
    'opt me out please',
    'take me off this list',
    'Take me off your list!',
    'remove me from your texts',
    'remove my number',
    'please remove me',
    'take me off the mailing list',
    'get me off this',
    'please leave me alone',
    'lose my number',
    'delete my number',
  ])('flags %j', (body) => {
    expect(isPossibleOptOut(body)).toBe(true);
    expect(flagsOf(body)).toEqual(['possible-opt-out']);
  });

  it.each([
    "I can't stop laughing",
    'I cant stop laughing 😂',
    'the bus stop',
    "I'm at the bus stop",
    'Stop by my office at 3',
    "I'll stop texting you now, promise",
    "ok I'll stop texting.",
    "I can't stop texting my friends lol",
    "don't stop believing",
    'can you text me the address?',
    "why don't you text me back?",
    'please text me when you are here',
    "What's the end date?",
    'I quit my job',
    'Can we cancel the meeting?',
    'yes please',
    'Thanks! See you at 5',
    'The option outlined in class',
    'Can I opt out of the field trip?',
    'can you take me off the waitlist?',
    'please remove me from the group project',
    'how do I unsubscribe from the newsletter emails?',
    'Is the remote lab open?',
    '',
  ])('does not flag %j', (body) => {
    expect(isPossibleOptOut(body)).toBe(false);
    expect(flagsOf(body)).toEqual([]);
  });

  it.each(['STOP', 'unsubscribe', 'OPT OUT', 'START'])(
    'does not flag the keyword %j: a keyword is obeyed',
    (body) => expect(isPossibleOptOut(body)).toBe(false),
  );
});
