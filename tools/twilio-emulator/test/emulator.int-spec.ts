import { createTwilioClient } from '@fidelis/twilio';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';

const SENDER = '+14155238400';

describe('Twilio emulator: authentication and routing', () => {
  let h: EmulatorHarness;

  beforeAll(async () => {
    h = await startEmulator();
  });
  afterAll(() => h.close());
  beforeEach(() => h.control('/reset', {}));

  const clientWith = (accountSid: string, authToken: string) =>
    createTwilioClient({ accountSid, authToken, apiBaseUrl: h.url });

  it('answers 401 with code 20003 to a wrong auth token', async () => {
    const client = clientWith(h.emulator.accountSid, 'wrong-token');
    await expect(client.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    expect(client.httpClient.lastResponse?.body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('answers 401 to another account SID and to a request without credentials', async () => {
    const client = clientWith('AC' + 'f'.repeat(32), h.emulator.authToken);
    await expect(client.incomingPhoneNumbers.list()).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });

    const response = await fetch(
      `${h.url}/2010-04-01/Accounts/${h.emulator.accountSid}/Messages.json`,
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Basic');
    expect(await response.json()).toMatchObject({ code: 20003, status: 401 });
  });

  it('answers 404 with code 20404 to an unknown resource', async () => {
    const auth = Buffer.from(`${h.emulator.accountSid}:${h.emulator.authToken}`).toString('base64');
    const path = `/2010-04-01/Accounts/${h.emulator.accountSid}/Calls.json`;
    const response = await fetch(`${h.url}${path}`, {
      headers: { Authorization: `Basic ${auth}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 20404,
      message: `The requested resource ${path} was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
  });

  it('answers 404 for a country it has no numbers for', async () => {
    await expect(
      h.client.availablePhoneNumbers('FR').local.list({ limit: 1 }),
    ).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('forgets numbers, messages and scripts on reset', async () => {
    await h.buyNumber(SENDER);
    await h.client.messages.create({ from: SENDER, to: '+14155550101', body: 'x' });
    await h.control('/unavailable', { phoneNumber: '+14156340000' });
    await h.control('/faults', { kind: 'rate-limit', count: 5 });

    expect((await h.control('/reset', {})).status).toBe(204);

    expect(await h.client.incomingPhoneNumbers.list()).toEqual([]);
    expect(await h.client.messages.list()).toEqual([]);
    expect((await h.control('/messages')).body).toEqual({ messages: [] });
    await expect(
      h.client.incomingPhoneNumbers.create({ phoneNumber: '+14156340000' }),
    ).resolves.toBeDefined();
  });

  it('rejects malformed control requests with 400', async () => {
    expect(
      (await h.control('/destinations', { phoneNumber: 'nope', status: 'failed' })).status,
    ).toBe(400);
    expect((await h.control('/opt-outs', { from: '+14155238400' })).status).toBe(400);
    expect(
      (await h.control('/inbound', { from: '+14155550101', to: SENDER, mediaUrls: 'x' })).status,
    ).toBe(400);
  });
});
