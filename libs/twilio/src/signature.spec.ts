import { isValidTwilioSignature, twilioSignature } from './signature';

// Twilio's documented example (https://www.twilio.com/docs/usage/security#validating-requests).
const authToken = '12345';
const url = 'https://example.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675310',
  Digits: '1234',
  From: '+14158675310',
  To: '+18005551212',
};
const documentedSignature = 'L/OH5YylLD5NRKLltdqwSvS0BnU=';

describe('Twilio request signature', () => {
  it('computes the signature of Twilio documented example', () => {
    expect(twilioSignature(authToken, url, params)).toBe(documentedSignature);
  });

  it('accepts the documented signature for the documented request', () => {
    expect(isValidTwilioSignature(authToken, documentedSignature, url, params)).toBe(true);
  });

  it('rejects the documented signature when a parameter was tampered with', () => {
    const tampered = { ...params, Digits: '1235' };
    expect(isValidTwilioSignature(authToken, documentedSignature, url, tampered)).toBe(false);
  });

  it('rejects the documented signature under another auth token', () => {
    expect(isValidTwilioSignature('54321', documentedSignature, url, params)).toBe(false);
  });

  it('rejects a missing signature', () => {
    expect(isValidTwilioSignature(authToken, undefined, url, params)).toBe(false);
  });
});
