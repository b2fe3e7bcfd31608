import { isValidPhoneNumber } from 'libphonenumber-js';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';
import { expectTwilioResource, expectTwilioResponse, TWILIO_PATHS } from './support/twilio-schemas';

const LOCAL_SCHEMA =
  'api.v2010.account.available_phone_number_country.available_phone_number_local';
const NUMBER_SCHEMA = 'api.v2010.account.incoming_phone_number';

describe('Twilio emulator: phone numbers', () => {
  let h: EmulatorHarness;

  beforeAll(async () => {
    h = await startEmulator();
  });
  afterAll(() => h.close());
  beforeEach(() => h.control('/reset', {}));

  const searchLocal = (params: { areaCode?: number; contains?: string; limit?: number }) =>
    h.client.availablePhoneNumbers('US').local.list(params);

  it('offers valid local numbers in the requested area code, in Twilio schema, the same each time', async () => {
    const numbers = await searchLocal({ areaCode: 617, limit: 5 });

    const body = h.lastBody() as { available_phone_numbers: unknown[] };
    expectTwilioResponse(TWILIO_PATHS.availableLocal, 'get', '200', body);
    body.available_phone_numbers.forEach((n) => expectTwilioResource(LOCAL_SCHEMA, n));
    expect(numbers).toHaveLength(5);
    for (const n of numbers) {
      expect(n.phoneNumber).toMatch(/^\+1617\d{7}$/);
      expect(n.phoneNumber.slice(5, 8)).not.toBe('555');
      expect(isValidPhoneNumber(n.phoneNumber)).toBe(true);
      expect(n).toMatchObject({
        isoCountry: 'US',
        region: 'MA',
        capabilities: { sms: true, mms: true },
      });
    }
    expect(new Set(numbers.map((n) => n.phoneNumber)).size).toBe(5);
    expect((await searchLocal({ areaCode: 617, limit: 5 })).map((n) => n.phoneNumber)).toEqual(
      numbers.map((n) => n.phoneNumber),
    );
  });

  it('defaults to area code 415', async () => {
    const [first] = await searchLocal({ limit: 1 });
    expect(first?.phoneNumber).toMatch(/^\+1415/);
  });

  it('matches Contains with digits, * wildcards and keypad letters', async () => {
    const digits = await searchLocal({ areaCode: 415, contains: '77', limit: 3 });
    expect(digits).toHaveLength(3);
    digits.forEach((n) => expect(n.phoneNumber.slice(1)).toContain('77'));

    const wildcard = await searchLocal({ areaCode: 415, contains: '523**00', limit: 2 });
    expect(wildcard).toHaveLength(2);
    wildcard.forEach((n) => expect(n.phoneNumber).toMatch(/523\d\d00/));

    const letters = await searchLocal({ areaCode: 415, contains: 'CAT', limit: 1 }); // 228
    expect(letters[0]?.phoneNumber.slice(1)).toContain('228');
  });

  it('leaves owned and unavailable numbers out of the search', async () => {
    const [first, second] = await searchLocal({ areaCode: 415, limit: 2 });
    await h.buyNumber(first.phoneNumber);
    await h.control('/unavailable', { phoneNumber: second.phoneNumber });

    const after = (await searchLocal({ areaCode: 415, limit: 20 })).map((n) => n.phoneNumber);
    expect(after).not.toContain(first.phoneNumber);
    expect(after).not.toContain(second.phoneNumber);
  });

  it('buys a number, finds it by PhoneNumber, updates its SmsUrl and releases it', async () => {
    const [available] = await searchLocal({ areaCode: 415, limit: 1 });
    const phoneNumber = available.phoneNumber;

    const bought = await h.client.incomingPhoneNumbers.create({
      phoneNumber,
      smsUrl: 'https://gateway.example/webhooks/sms',
      friendlyName: 'Front desk',
    });
    expectTwilioResponse(TWILIO_PATHS.incomingNumbers, 'post', '201', h.lastBody());
    expectTwilioResource(NUMBER_SCHEMA, h.lastBody());
    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(bought).toMatchObject({
      phoneNumber,
      friendlyName: 'Front desk',
      smsUrl: 'https://gateway.example/webhooks/sms',
      smsMethod: 'POST',
      capabilities: { sms: true, mms: true, voice: true },
    });

    const listed = await h.client.incomingPhoneNumbers.list({ phoneNumber });
    expectTwilioResponse(TWILIO_PATHS.incomingNumbers, 'get', '200', h.lastBody());
    expect(listed.map((n) => n.sid)).toEqual([bought.sid]);
    expect(await h.client.incomingPhoneNumbers.list({ phoneNumber: '+12125550000' })).toEqual([]);

    const updated = await h.client.incomingPhoneNumbers(bought.sid).update({
      smsUrl: 'https://gateway.example/v2/sms',
      statusCallback: 'https://gateway.example/status',
    });
    expectTwilioResponse(TWILIO_PATHS.incomingNumber, 'post', '200', h.lastBody());
    expectTwilioResource(NUMBER_SCHEMA, h.lastBody());
    expect(updated.smsUrl).toBe('https://gateway.example/v2/sms');
    const fetched = await h.client.incomingPhoneNumbers(bought.sid).fetch();
    expectTwilioResource(NUMBER_SCHEMA, h.lastBody());
    expect(fetched).toMatchObject({
      smsUrl: 'https://gateway.example/v2/sms',
      statusCallback: 'https://gateway.example/status',
      friendlyName: 'Front desk',
    });

    expect(await h.client.incomingPhoneNumbers(bought.sid).remove()).toBe(true);
    expect(h.client.httpClient.lastResponse?.statusCode).toBe(204);
    await expect(h.client.incomingPhoneNumbers(bought.sid).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await h.client.incomingPhoneNumbers.list()).toEqual([]);
  });

  it('buys the first available number of an AreaCode', async () => {
    const [expected] = await searchLocal({ areaCode: 212, limit: 1 });
    const bought = await h.client.incomingPhoneNumbers.create({ areaCode: '212' });
    expect(bought.phoneNumber).toBe(expected.phoneNumber);
  });

  it('refuses with 21422 to buy a number already owned', async () => {
    const [available] = await searchLocal({ limit: 1 });
    await h.buyNumber(available.phoneNumber);
    await expect(
      h.client.incomingPhoneNumbers.create({ phoneNumber: available.phoneNumber }),
    ).rejects.toMatchObject({ status: 400, code: 21422 });
    expect(await h.client.incomingPhoneNumbers.list()).toHaveLength(1);
  });

  it('refuses with 21422 to buy a number scripted as unavailable', async () => {
    await h.control('/unavailable', { phoneNumber: '+14156349999' });
    await expect(
      h.client.incomingPhoneNumbers.create({ phoneNumber: '+14156349999' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 21422,
      message: expect.stringContaining('not available'),
    });
    await expect(
      h.client.incomingPhoneNumbers.create({ phoneNumber: '+14156349998' }),
    ).resolves.toMatchObject({
      phoneNumber: '+14156349998',
    });
  });

  it('pages the owned numbers list with the incoming_phone_numbers key', async () => {
    const available = await searchLocal({ limit: 3 });
    for (const n of available) await h.buyNumber(n.phoneNumber);

    await h.client.incomingPhoneNumbers.page({ pageSize: 2 });
    const body = h.lastBody() as {
      incoming_phone_numbers: unknown[];
      next_page_uri: string | null;
    };
    expect(body.incoming_phone_numbers).toHaveLength(2);
    expect(body.next_page_uri).not.toBeNull();
    const all = await h.client.incomingPhoneNumbers.list({ pageSize: 2 });
    expect(all.map((n) => n.phoneNumber).sort()).toEqual(
      available.map((n) => n.phoneNumber).sort(),
    );
  });

  it('answers 404 for the DELETE of an unknown number', async () => {
    await expect(
      h.client.incomingPhoneNumbers('PN' + '0'.repeat(32)).remove(),
    ).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});
