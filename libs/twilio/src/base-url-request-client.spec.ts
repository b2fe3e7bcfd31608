import { BaseUrlRequestClient } from './base-url-request-client';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from './emulator-credentials';
import { createTwilioClient } from './create-twilio-client';

describe('BaseUrlRequestClient', () => {
  it('rewrites any Twilio product host to the base URL, keeping path and query', () => {
    const client = new BaseUrlRequestClient('http://127.0.0.1:4010/');
    expect(
      client.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=%2B1'),
    ).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?To=%2B1');
    expect(client.rewrite('https://messaging.twilio.com/v1/Services')).toBe(
      'http://127.0.0.1:4010/v1/Services',
    );
    expect(client.rewrite('https://api.sydney.au1.twilio.com/2010-04-01')).toBe(
      'http://127.0.0.1:4010/2010-04-01',
    );
  });

  it('leaves URIs untouched without a base URL or outside twilio.com', () => {
    expect(new BaseUrlRequestClient().rewrite('https://api.twilio.com/x')).toBe(
      'https://api.twilio.com/x',
    );
    expect(new BaseUrlRequestClient('http://e').rewrite('https://example.com/twilio.com/x')).toBe(
      'https://example.com/twilio.com/x',
    );
  });

  it('is the http client of the Twilio client that createTwilioClient builds', () => {
    const client = createTwilioClient({
      accountSid: EMULATOR_ACCOUNT_SID,
      authToken: EMULATOR_AUTH_TOKEN,
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(client.httpClient).toBeInstanceOf(BaseUrlRequestClient);
    expect(client.accountSid).toBe(EMULATOR_ACCOUNT_SID);
  });
});
