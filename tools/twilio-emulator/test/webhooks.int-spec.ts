import { isValidTwilioSignature } from '@fidelis/twilio';
import { eventually } from '../../../test/support/eventually';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from './support/webhook-receiver';

const SENDER = '+14155238400';
const STUDENT = '+14155550101';

describe('Twilio emulator: webhooks', () => {
  let h: EmulatorHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    h = await startEmulator();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await h.control('/reset', {});
    receiver.received.length = 0;
    receiver.respondWith(200, '<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  const isSignedByTwilio = (webhook: ReceivedWebhook, authToken = h.emulator.authToken): boolean =>
    isValidTwilioSignature(
      authToken,
      webhook.headers['x-twilio-signature'] as string | undefined,
      webhook.url,
      webhook.params,
    );

  describe('status callbacks', () => {
    beforeEach(() => h.buyNumber(SENDER));

    it('posts sent then delivered, each signed with the auth token, and the message follows', async () => {
      const statusCallback = `${receiver.url}/twilio/status?tenant=1`;
      const { sid } = await h.client.messages.create({
        from: SENDER,
        to: STUDENT,
        body: 'Hi',
        statusCallback,
      });

      const callbacks = await eventually(() => {
        expect(receiver.received).toHaveLength(2);
        return receiver.received;
      });
      expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
      for (const callback of callbacks) {
        expect(callback.method).toBe('POST');
        expect(callback.url).toBe(statusCallback);
        expect(callback.headers['content-type']).toContain('application/x-www-form-urlencoded');
        expect(isSignedByTwilio(callback)).toBe(true);
        expect(isSignedByTwilio(callback, 'another-token')).toBe(false);
        expect(callback.params).toEqual({
          MessageSid: sid,
          SmsSid: sid,
          AccountSid: h.emulator.accountSid,
          From: SENDER,
          To: STUDENT,
          MessageStatus: callback.params.MessageStatus,
          SmsStatus: callback.params.MessageStatus,
          ApiVersion: '2010-04-01',
        });
      }
      expect((await h.client.messages(sid).fetch()).status).toBe('delivered');
    });

    it('reports undelivered with ErrorCode 30003 for a scripted destination', async () => {
      await h.control('/destinations', {
        phoneNumber: STUDENT,
        status: 'undelivered',
        errorCode: 30003,
      });
      const { sid } = await h.client.messages.create({
        from: SENDER,
        to: STUDENT,
        body: 'Hi',
        statusCallback: `${receiver.url}/status`,
      });

      const callbacks = await eventually(() => {
        expect(receiver.received).toHaveLength(2);
        return receiver.received;
      });
      expect(callbacks.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([
        ['sent', undefined],
        ['undelivered', '30003'],
      ]);
      expect(callbacks.every((c) => isSignedByTwilio(c))).toBe(true);
      expect(await h.client.messages(sid).fetch()).toMatchObject({
        status: 'undelivered',
        errorCode: 30003,
        errorMessage: 'Unreachable destination handset',
      });
    });

    it('reports failed straight away, without sent, for a destination scripted to fail', async () => {
      await h.control('/destinations', {
        phoneNumber: STUDENT,
        status: 'failed',
        errorCode: 30008,
      });
      const { sid } = await h.client.messages.create({
        from: SENDER,
        to: STUDENT,
        body: 'Hi',
        statusCallback: `${receiver.url}/status`,
      });

      await eventually(async () => {
        expect((await h.client.messages(sid).fetch()).status).toBe('failed');
      });
      expect(receiver.received.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([
        ['failed', '30008'],
      ]);
    });

    it('advances the stored status without a StatusCallback', async () => {
      const { sid } = await h.client.messages.create({ from: SENDER, to: STUDENT, body: 'Hi' });
      await eventually(async () => {
        expect((await h.client.messages(sid).fetch()).status).toBe('delivered');
      });
      expect(receiver.received).toEqual([]);
    });
  });

  describe('inbound messages', () => {
    const smsPath = '/twilio/sms';

    beforeEach(() => h.buyNumber(SENDER, `${receiver.url}${smsPath}`));

    it('posts a signed inbound SMS form to the SmsUrl of the number and returns its answer', async () => {
      receiver.respondWith(200, '<Response><Message>Thanks</Message></Response>');

      const { status, body } = await h.control('/inbound', {
        from: STUDENT,
        to: SENDER,
        body: 'Hello sir',
      });

      expect(status).toBe(200);
      const { messageSid } = body as { messageSid: string };
      expect(messageSid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(body).toEqual({
        messageSid,
        webhookStatus: 200,
        webhookBody: '<Response><Message>Thanks</Message></Response>',
      });
      expect(receiver.received).toHaveLength(1);
      const [webhook] = receiver.received;
      expect(webhook.url).toBe(`${receiver.url}${smsPath}`);
      expect(isSignedByTwilio(webhook)).toBe(true);
      expect(webhook.params).toMatchObject({
        MessageSid: messageSid,
        SmsMessageSid: messageSid,
        SmsSid: messageSid,
        AccountSid: h.emulator.accountSid,
        From: STUDENT,
        To: SENDER,
        Body: 'Hello sir',
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
        FromCountry: 'US',
        ToCountry: 'US',
      });
      expect(webhook.headers['i-twilio-idempotency-token']).toEqual(expect.any(String));
      // Twilio keeps inbound messages in the Messages list too.
      expect((await h.client.messages(messageSid).fetch()).direction).toBe('inbound');
    });

    it('sends MediaUrlN and MediaContentTypeN for an inbound MMS', async () => {
      const { body } = await h.control('/inbound', {
        from: STUDENT,
        to: SENDER,
        body: '',
        mediaUrls: ['https://media.example/1.jpg', 'https://media.example/2.png'],
        mediaContentTypes: ['image/jpeg', 'image/png'],
      });

      expect((body as { messageSid: string }).messageSid).toMatch(/^MM/);
      const [webhook] = receiver.received;
      expect(isSignedByTwilio(webhook)).toBe(true);
      expect(webhook.params).toMatchObject({
        NumMedia: '2',
        MediaUrl0: 'https://media.example/1.jpg',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://media.example/2.png',
        MediaContentType1: 'image/png',
      });
    });

    it('re-sends the same MessageSid and idempotency token when asked to retry', async () => {
      const first = await h.control('/inbound', { from: STUDENT, to: SENDER, body: 'again' });
      const { messageSid } = first.body as { messageSid: string };
      const retry = await h.control('/inbound', {
        from: STUDENT,
        to: SENDER,
        body: 'again',
        messageSid,
      });

      expect((retry.body as { messageSid: string }).messageSid).toBe(messageSid);
      expect(receiver.received.map((r) => r.params.MessageSid)).toEqual([messageSid, messageSid]);
      expect(receiver.received[0].headers['i-twilio-idempotency-token']).toBe(
        receiver.received[1].headers['i-twilio-idempotency-token'],
      );
      expect(await h.client.messages.list({ to: SENDER })).toHaveLength(1);
    });

    it('signs a GET webhook over the URL with the fields in its query', async () => {
      const sid = (await h.client.incomingPhoneNumbers.list({ phoneNumber: SENDER }))[0].sid;
      await h.client.incomingPhoneNumbers(sid).update({ smsMethod: 'GET' });

      await h.control('/inbound', { from: STUDENT, to: SENDER, body: 'by get' });

      const [webhook] = receiver.received;
      expect(webhook.method).toBe('GET');
      expect(webhook.params.Body).toBe('by get');
      expect(
        isValidTwilioSignature(
          h.emulator.authToken,
          webhook.headers['x-twilio-signature'] as string,
          webhook.url,
          {},
        ),
      ).toBe(true);
    });

    it('reports the webhook status when the endpoint fails', async () => {
      receiver.respondWith(500, 'boom');
      const { body } = await h.control('/inbound', { from: STUDENT, to: SENDER, body: 'x' });
      expect(body).toMatchObject({ webhookStatus: 500, webhookBody: 'boom' });
    });

    it('answers 404 for a To the account does not own', async () => {
      const { status } = await h.control('/inbound', {
        from: STUDENT,
        to: '+14155238499',
        body: 'x',
      });
      expect(status).toBe(404);
      expect(receiver.received).toEqual([]);
    });

    it('opts the sender out on STOP, as Twilio does, and back in on START', async () => {
      await h.control('/inbound', { from: STUDENT, to: SENDER, body: 'stop' });
      expect(receiver.received[0].params.OptOutType).toBe('STOP');
      await expect(
        h.client.messages.create({ from: SENDER, to: STUDENT, body: 'still there?' }),
      ).rejects.toMatchObject({ code: 21610 });

      await h.control('/inbound', { from: STUDENT, to: SENDER, body: 'START' });
      await expect(
        h.client.messages.create({ from: SENDER, to: STUDENT, body: 'welcome back' }),
      ).resolves.toMatchObject({ status: 'queued' });
    });
  });
});
