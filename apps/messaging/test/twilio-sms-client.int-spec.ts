import { createServer } from 'node:net';
import { loadMessagingConfig } from '../src/config';
import { TwilioSmsClient } from '../src/sending/twilio-sms.client';
import {
  EmulatorHarness,
  startEmulator,
} from '../../../tools/twilio-emulator/test/support/emulator-harness';

const SENDER = '+14155238400';
const STUDENT = '+14155550101';

let h: EmulatorHarness;
let client: TwilioSmsClient;

const clientFor = (apiBaseUrl: string) =>
  new TwilioSmsClient(
    loadMessagingConfig({
      TWILIO_ACCOUNT_SID: h.emulator.accountSid,
      TWILIO_AUTH_TOKEN: h.emulator.authToken,
      TWILIO_API_BASE_URL: apiBaseUrl,
    }),
  );

beforeAll(async () => {
  h = await startEmulator();
  client = clientFor(h.url);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('/reset', {});
  await h.buyNumber(SENDER);
});

const message = (body: string, to = STUDENT) => ({ from: SENDER, to, body, mediaUrls: [] });
const fault = async (body: Record<string, unknown>) =>
  expect((await h.control('/faults', body)).status).toBe(201);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const nobodyKnown = () => Promise.resolve(false);

describe("TwilioSmsClient.send sorts Twilio's answers by what the sender must do", () => {
  it('accepted: the sid and the status Twilio gave', async () => {
    const outcome = await client.send(message('hello'));
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'queued' });
  });

  it.each([
    ['21610 unsubscribed', '21610', () => h.control('/opt-outs', { from: SENDER, to: STUDENT })],
    ['21211 invalid number', '21211', () => Promise.resolve()],
  ])('a refusal of the message itself (%s) is final', async (_name, code, arrange) => {
    await arrange();
    const to = code === '21211' ? '+1555' : STUDENT;
    expect(await client.send(message('refuse me', to))).toMatchObject({ kind: 'refused', code });
  });

  it.each([
    [{ kind: 'unauthorized' }, 'Twilio answered 401 (20003 Authenticate)', undefined],
    [
      { kind: 'rate-limit', retryAfterSeconds: 3 },
      'Twilio answered 429 (20429 Too Many Requests)',
      3_000,
    ],
  ])('%j is an outage: nothing was created, wait and send again', async (f, reason, wait) => {
    await fault(f);
    const outcome = await client.send(message('later'));
    expect(outcome).toEqual({
      kind: 'outage',
      reason,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  });

  it('Twilio unreachable (connection refused) is an outage', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const outcome = await clientFor(`http://127.0.0.1:${port}`).send(message('nobody home'));
    expect(outcome).toMatchObject({
      kind: 'outage',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it.each([
    [{ kind: 'server-error', status: 500 }, 'Twilio answered 500'],
    [{ kind: 'server-error', status: 503 }, 'Twilio answered 503'],
    [{ kind: 'drop-after-accept' }, 'socket hang up'],
  ])('%j leaves the outcome unknown: ask Twilio before sending again', async (f, reason) => {
    await fault(f);
    const outcome = await client.send(message('maybe'));
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining(reason) });
  });
});

describe('TwilioSmsClient.findSent looks a message up by From, To, creation time and body', () => {
  it('finds a message still in Twilio’s queue, which has no date_sent yet', async () => {
    await fault({ kind: 'held-queued', holdMs: 60_000 });
    const sent = await client.send(message('held'));
    expect(sent).toMatchObject({ kind: 'accepted' });

    const found = await client.findSent({
      ...message('held'),
      createdAfter: minutesAgo(1),
      createdBefore: new Date(Date.now() + 60_000),
      isKnown: nobodyKnown,
    });
    expect(found).toEqual({ sid: sent.kind === 'accepted' && sent.sid, status: 'queued' });
  });

  it('follows the pages past 120 newer messages of the same conversation', async () => {
    const sent = await client.send(message('the one'));
    for (let i = 0; i < 120; i += 1) await client.send(message(`later ${i}`));

    const found = await client.findSent({
      ...message('the one'),
      createdAfter: minutesAgo(1),
      createdBefore: new Date(Date.now() + 60_000),
      isKnown: nobodyKnown,
    });
    expect(found?.sid).toBe(sent.kind === 'accepted' && sent.sid);
  });

  it('skips the sids already known and what was created outside the window', async () => {
    const first = await client.send(message('same text'));
    const second = await client.send(message('same text'));
    const sidOf = (outcome: typeof first) => (outcome.kind === 'accepted' ? outcome.sid : '');
    const window = { createdAfter: minutesAgo(1), createdBefore: new Date(Date.now() + 60_000) };

    const found = await client.findSent({
      ...message('same text'),
      ...window,
      isKnown: (sid) => Promise.resolve(sid === sidOf(second)),
    });
    expect(found?.sid).toBe(sidOf(first));
    const later = await client.findSent({
      ...message('same text'),
      createdAfter: new Date(Date.now() + 30_000),
      createdBefore: new Date(Date.now() + 60_000),
      isKnown: nobodyKnown,
    });
    expect(later).toBeUndefined();
    const earlier = await client.findSent({
      ...message('same text'),
      createdAfter: minutesAgo(10),
      createdBefore: minutesAgo(5),
      isKnown: nobodyKnown,
    });
    expect(earlier).toBeUndefined();
  });
});
