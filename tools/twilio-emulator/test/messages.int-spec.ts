import twilio from 'twilio';
import { eventually } from '../../../test/support/eventually';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';
import { expectTwilioResource, expectTwilioResponse, TWILIO_PATHS } from './support/twilio-schemas';

const SENDER = '+14155238400';
const STUDENT = '+14155550101';
const OTHER_STUDENT = '+12125550143';

describe('Twilio emulator: Messages', () => {
  let h: EmulatorHarness;

  beforeAll(async () => {
    h = await startEmulator();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.control('/reset', {});
    await h.buyNumber(SENDER);
  });

  it('creates a queued outbound message whose body matches Twilio message schema exactly', async () => {
    const message = await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'Hello' });

    expectTwilioResponse(TWILIO_PATHS.messages, 'post', '201', h.lastBody());
    expectTwilioResource('api.v2010.account.message', h.lastBody());
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      accountSid: h.emulator.accountSid,
      status: 'queued',
      direction: 'outbound-api',
      from: SENDER,
      to: STUDENT,
      body: 'Hello',
      numSegments: '1',
      numMedia: '0',
      errorCode: null,
      apiVersion: '2010-04-01',
      uri: `/2010-04-01/Accounts/${h.emulator.accountSid}/Messages/${message.sid}.json`,
    });
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(message.dateCreated.getTime())).toBe(false);
    // "When Twilio sent the message": not yet, while it is queued.
    expect(message.dateSent).toBeNull();
  });

  it('creates an MMS with repeated MediaUrl as an MM sid counting its media', async () => {
    const message = await h.client.messages.create({
      from: SENDER,
      to: STUDENT,
      mediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.png'],
    });

    expectTwilioResource('api.v2010.account.message', h.lastBody());
    expect(message.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(message.numMedia).toBe('2');
  });

  it.each([
    ['160 GSM-7 characters', 'a'.repeat(160), '1'],
    ['161 GSM-7 characters', 'a'.repeat(161), '2'],
    ['70 UCS-2 characters', 'ł'.repeat(70), '1'],
    ['71 UCS-2 characters', 'ł'.repeat(71), '2'],
  ])('reports num_segments for %s as %s', async (_name, body, segments) => {
    const message = await h.client.messages.create({ from: SENDER, to: STUDENT, body });
    expect(message.numSegments).toBe(segments);
  });

  it('fetches a message by sid, whose status moves on to delivered with a price', async () => {
    const { sid } = await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'Hi' });

    const delivered = await eventually(async () => {
      const fetched = await h.client.messages(sid).fetch();
      expect(fetched.status).toBe('delivered');
      return fetched;
    });
    expectTwilioResponse(TWILIO_PATHS.message, 'get', '200', h.lastBody());
    expectTwilioResource('api.v2010.account.message', h.lastBody());
    expect(delivered).toMatchObject({ sid, priceUnit: 'USD', errorCode: null });
    expect(Number(delivered.price)).toBeLessThan(0);
  });

  it('lists messages newest first, filtered by To and From, in Twilio list shape', async () => {
    const first = await h.client.messages.create({ from: SENDER, to: STUDENT, body: '1' });
    const other = await h.client.messages.create({ from: SENDER, to: OTHER_STUDENT, body: 'x' });
    const second = await h.client.messages.create({ from: SENDER, to: STUDENT, body: '2' });

    const toStudent = await h.client.messages.list({ to: STUDENT });
    expectTwilioResponse(TWILIO_PATHS.messages, 'get', '200', h.lastBody());
    expect(toStudent.map((m) => m.sid)).toEqual([second.sid, first.sid]);

    const fromSender = await h.client.messages.list({ from: SENDER });
    expect(fromSender.map((m) => m.sid)).toEqual([second.sid, other.sid, first.sid]);
    expect(await h.client.messages.list({ from: OTHER_STUDENT })).toEqual([]);
  });

  it('pages with next_page_uri until every message was read, without repeats', async () => {
    const sids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      sids.push((await h.client.messages.create({ from: SENDER, to: STUDENT, body: `${i}` })).sid);
    }

    const firstPage = await h.client.messages.page({ pageSize: 2 });
    const body = h.lastBody() as Record<string, unknown>;
    expectTwilioResponse(TWILIO_PATHS.messages, 'get', '200', body);
    expect(body).toMatchObject({
      page: 0,
      page_size: 2,
      start: 0,
      end: 1,
      previous_page_uri: null,
    });
    expect(body.next_page_uri).toEqual(expect.stringContaining('PageToken=PA'));
    expect(firstPage.instances.map((m) => m.sid)).toEqual([sids[4], sids[3]]);

    const all = await h.client.messages.list({ pageSize: 2 });
    expect(all.map((m) => m.sid)).toEqual([...sids].reverse());
  });

  it('filters by DateSent on a day and by DateSent< / DateSent> bounds, once it was sent', async () => {
    const { sid } = await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'dated' });
    await eventually(async () =>
      expect((await h.client.messages(sid).fetch()).dateSent).toBeInstanceOf(Date),
    );
    const now = new Date();
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const inAnHour = new Date(now.getTime() + 3_600_000);
    const dayOnly = now.toISOString().slice(0, 10);

    const sids = async (query: Record<string, string>) => {
      const url = `${h.url}/2010-04-01/Accounts/${h.emulator.accountSid}/Messages.json?${new URLSearchParams(query).toString()}`;
      const auth = Buffer.from(`${h.emulator.accountSid}:${h.emulator.authToken}`).toString(
        'base64',
      );
      const response = await fetch(url, { headers: { Authorization: `Basic ${auth}` } });
      const body = (await response.json()) as { messages: Array<{ sid: string }> };
      return body.messages.map((m) => m.sid);
    };
    expect(await sids({ DateSent: dayOnly })).toEqual([sid]);
    expect(await sids({ DateSent: '2001-01-01' })).toEqual([]);
    expect(await h.client.messages.list({ dateSentAfter: hourAgo })).toHaveLength(1);
    expect(await h.client.messages.list({ dateSentAfter: inAnHour })).toHaveLength(0);
    expect(await h.client.messages.list({ dateSentBefore: inAnHour })).toHaveLength(1);
    expect(await h.client.messages.list({ dateSentBefore: hourAgo })).toHaveLength(0);
  });

  describe('refuses a create the way Twilio does', () => {
    const cases: Array<[string, () => Promise<unknown>, number]> = [];
    const send = (params: Parameters<typeof h.client.messages.create>[0]) => () =>
      h.client.messages.create(params);

    cases.push(
      [
        '21211 for a To that is not E.164',
        send({ from: SENDER, to: '4155550101', body: 'x' }),
        21211,
      ],
      [
        '21211 for a To that is no valid number',
        send({ from: SENDER, to: '+14151230000', body: 'x' }),
        21211,
      ],
      ['21602 without Body or MediaUrl', send({ from: SENDER, to: STUDENT }), 21602],
      ['21603 without From', send({ to: STUDENT, body: 'x' }), 21603],
      [
        '21606 for a From the account does not own',
        send({ from: '+14155238401', to: STUDENT, body: 'x' }),
        21606,
      ],
      [
        '21617 for a body over 1600 characters',
        send({ from: SENDER, to: STUDENT, body: 'a'.repeat(1601) }),
        21617,
      ],
    );

    it.each(cases)('%s', async (_name, attempt, code) => {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({
        status: 400,
        code,
        moreInfo: `https://www.twilio.com/docs/errors/${code}`,
      });
      expect(h.lastBody()).toEqual({
        code,
        message: expect.any(String),
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status: 400,
      });
      expect((await h.control('/messages')).body).toEqual({ messages: [] });
    });

    it('21610 for a recipient who opted out of this sender', async () => {
      await h.control('/opt-outs', { from: SENDER, to: STUDENT });
      await expect(send({ from: SENDER, to: STUDENT, body: 'x' })()).rejects.toMatchObject({
        status: 400,
        code: 21610,
      });
      // Only that pair is blocked.
      await expect(send({ from: SENDER, to: OTHER_STUDENT, body: 'x' })()).resolves.toBeDefined();
    });

    it('accepts exactly 1600 characters', async () => {
      await expect(
        send({ from: SENDER, to: STUDENT, body: 'a'.repeat(1600) })(),
      ).resolves.toMatchObject({
        numSegments: '11',
      });
    });
  });

  it('answers 404 with code 20404 for an unknown message sid', async () => {
    await expect(h.client.messages('SM' + '0'.repeat(32)).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('counts every created outbound message in /_emulator/messages', async () => {
    await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'a' });
    await h.client.messages.create({ from: SENDER, to: OTHER_STUDENT, body: 'b' });
    const { body } = await h.control('/messages');
    expect((body as { messages: Array<{ to: string }> }).messages.map((m) => m.to).sort()).toEqual(
      [OTHER_STUDENT, STUDENT].sort(),
    );
  });

  it('counts the creates asked for each recipient, refused ones too', async () => {
    await h.control('/opt-outs', { from: SENDER, to: STUDENT });
    await expect(
      h.client.messages.create({ from: SENDER, to: STUDENT, body: 'a' }),
    ).rejects.toMatchObject({ code: 21610 });
    await h.client.messages.create({ from: SENDER, to: OTHER_STUDENT, body: 'b' });
    expect(h.emulator.state.createsAsked.get(STUDENT)).toBe(1);
    expect(h.emulator.state.createsAsked.get(OTHER_STUDENT)).toBe(1);
  });

  it('tells in /_emulator/messages when each create arrived, to the millisecond', async () => {
    const before = Date.now();
    const created = await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'a' });
    const after = Date.now();
    const { body } = await h.control('/messages');
    const listed = (body as { messages: Array<{ sid: string; receivedAt: string }> }).messages;
    const { receivedAt } = listed.find((m) => m.sid === created.sid) ?? { receivedAt: '' };
    expect(receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(receivedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(receivedAt)).toBeLessThanOrEqual(after);
  });
});
