import twilio from 'twilio';
import { createTwilioClient, RetryAfterException } from '@fidelis/twilio';
import { eventually } from '../../../test/support/eventually';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';
import { expectTwilioResource, expectTwilioResponse, TWILIO_PATHS } from './support/twilio-schemas';

const SENDER = '+14155238400';
const STUDENT = '+14155550101';
const OTHER_STUDENT = '+12125550143';

describe('Twilio emulator: scripted faults', () => {
  let h: EmulatorHarness;

  beforeAll(async () => {
    h = await startEmulator();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.control('/reset', {});
    await h.buyNumber(SENDER);
  });

  const send = (to = STUDENT) => h.client.messages.create({ from: SENDER, to, body: 'x' });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );
  const sentCount = async () =>
    ((await h.control('/messages')).body as { messages: unknown[] }).messages.length;
  const fault = async (body: Record<string, unknown>) => {
    const answer = await h.control('/faults', body);
    expect(answer.status).toBe(201);
  };

  it('answers the next creates 429 (20429) with Retry-After without storing them, then recovers', async () => {
    await fault({ kind: 'rate-limit', count: 2, retryAfterSeconds: 7 });

    for (let i = 0; i < 2; i += 1) {
      const error = await failure(send());
      // The client's RestException keeps the wait (libs/twilio's RetryAfterException).
      expect(error).toBeInstanceOf(RetryAfterException);
      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ status: 429, code: 20429, retryAfterMs: 7_000 });
      expect(h.client.httpClient.lastResponse?.headers['retry-after']).toBe('7');
    }
    expect(await sentCount()).toBe(0);
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
    expect(await sentCount()).toBe(1);
  });

  it('answers 401 with code 20003, as after a rotated auth token, for a while, creating nothing', async () => {
    await fault({ kind: 'unauthorized', durationMs: 1_500 });

    const refusals = await Promise.all([failure(send()), failure(send(OTHER_STUDENT))]);
    for (const error of refusals) {
      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
    }
    expect(h.lastBody()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(await sentCount()).toBe(0);
    await eventually(() => expect(send()).resolves.toMatchObject({ status: 'queued' }));
    expect(await sentCount()).toBe(1);
  });

  it.each([
    [500, 20500],
    [503, 20503],
  ])('answers %d (%d) without creating the message', async (status, code) => {
    await fault({ kind: 'server-error', status });

    expect(await failure(send())).toMatchObject({ status, code });
    expect(await sentCount()).toBe(0);
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
  });

  it('stores the next creates but drops the connection, so the client cannot tell', async () => {
    await fault({ kind: 'drop-after-accept', count: 1 });

    const error = await failure(send());
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(await sentCount()).toBe(1);

    await expect(send()).resolves.toMatchObject({ status: 'queued' });
    expect(await sentCount()).toBe(2);
  });

  it('creates the message at once but answers after delayMs, later than a short client timeout', async () => {
    await fault({ kind: 'late-answer', delayMs: 1_500, count: 2 });
    const impatient = createTwilioClient({
      accountSid: h.emulator.accountSid,
      authToken: h.emulator.authToken,
      apiBaseUrl: h.url,
      timeoutMs: 300,
    });

    const error = await failure(
      impatient.messages.create({ from: SENDER, to: STUDENT, body: 'slow' }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    const [created] = (await h.client.messages.list({ to: STUDENT })).filter(
      (m) => m.body === 'slow',
    );
    expect(created).toBeDefined();

    const started = Date.now();
    const patient = await send(OTHER_STUDENT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(patient.status).toBe('queued');
    expect(await sentCount()).toBe(2);
  });

  it('holds a message queued, date_sent null and still listed by From and To, then sends it', async () => {
    await fault({ kind: 'held-queued', holdMs: 1_000 });

    const { sid } = await send();
    const listed = await h.client.messages.list({ from: SENDER, to: STUDENT });
    expectTwilioResponse(TWILIO_PATHS.messages, 'get', '200', h.lastBody());
    expect(listed.map((m) => [m.sid, m.status, m.dateSent])).toEqual([[sid, 'queued', null]]);
    const held = await h.client.messages(sid).fetch();
    expectTwilioResource('api.v2010.account.message', h.lastBody());
    expect(held).toMatchObject({ status: 'queued', dateSent: null });
    expect(await h.client.messages.list({ dateSentAfter: new Date(0) })).toEqual([]);

    const delivered = await eventually(async () => {
      const fetched = await h.client.messages(sid).fetch();
      expect(fetched.status).toBe('delivered');
      return fetched;
    });
    expectTwilioResource('api.v2010.account.message', h.lastBody());
    expect(delivered.dateSent).toBeInstanceOf(Date);
  });

  it('holds a message queued and loses its answer when both faults are set', async () => {
    await fault({ kind: 'held-queued', holdMs: 60_000 });
    await fault({ kind: 'drop-after-accept' });

    expect(await failure(send())).not.toBeInstanceOf(twilio.RestException);
    const listed = await h.client.messages.list({ from: SENDER, to: STUDENT });
    expect(listed.map((m) => [m.status, m.dateSent])).toEqual([['queued', null]]);
  });

  it('applies a fault with `to` only to creates to that phone', async () => {
    await fault({ kind: 'server-error', to: STUDENT, count: 1 });

    await expect(send(OTHER_STUDENT)).resolves.toMatchObject({ status: 'queued' });
    expect(await failure(send())).toMatchObject({ status: 500 });
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
  });

  it('clears a fault with count 0', async () => {
    await fault({ kind: 'unauthorized', count: 5 });
    await fault({ kind: 'unauthorized', count: 0 });

    await expect(send()).resolves.toMatchObject({ status: 'queued' });
  });

  it.each([
    [{ kind: 'meteor' }, /^kind must be one of 'rate-limit', 'unauthorized', 'server-error'/],
    [{ kind: 'rate-limit', count: 1, durationMs: 100 }, 'give count or durationMs, not both'],
    [{ kind: 'rate-limit', count: -1 }, 'count must be a non-negative integer'],
    [
      { kind: 'rate-limit', retryAfterSeconds: 1.5 },
      'retryAfterSeconds must be a non-negative integer',
    ],
    [
      { kind: 'unauthorized', durationMs: 0 },
      'durationMs must be a positive integer (milliseconds)',
    ],
    [{ kind: 'late-answer' }, 'delayMs must be a positive integer (milliseconds)'],
    [{ kind: 'held-queued', holdMs: '1s' }, 'holdMs must be a positive integer (milliseconds)'],
    [{ kind: 'server-error', status: 502 }, 'status must be 500 or 503'],
    [{ kind: 'unauthorized', delayMs: 5 }, "unexpected field delayMs for kind 'unauthorized'"],
    [{ kind: 'unauthorized', colour: 'red' }, 'unexpected field colour'],
    [{ kind: 'unauthorized', to: '555' }, 'to must be an E.164 phone number'],
  ])('refuses the malformed fault %j with 400 and says why', async (body, error) => {
    const answer = await h.control('/faults', body);
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toMatch(error);
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
  });
});
