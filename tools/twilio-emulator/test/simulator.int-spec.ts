import { eventually } from '../../../test/support/eventually';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const COACH_NUMBER = '+14155238400';
const STUDENT = '+14155550142';
const OTHER_STUDENT = '+16175550188';
const STRANGER = '+13125550107';

interface SimulatorMessage {
  sid: string;
  direction: string;
  from: string;
  to: string;
  body: string;
  status: string;
  dateCreated: string;
}

describe('Twilio emulator: the phone simulator', () => {
  let h: EmulatorHarness;
  let receiver: WebhookReceiver;
  const getJson = async (path: string) => {
    const response = await fetch(`${h.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

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
  });

  it('serves the simulator page at the root, with its Phone, To, Message and Send', async () => {
    const response = await fetch(`${h.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('<label for="phone">Phone</label>');
    expect(page).toContain('<label for="to">To</label>');
    expect(page).toContain('<label for="message">Message</label>');
    expect(page).toContain('>Send</button>');
  });

  it("leaves Twilio's API as it was: an unknown path is still Twilio's 404", async () => {
    const response = await fetch(`${h.url}/2010-04-01/Nothing.json`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 20404, status: 404 });
  });

  it("lists the account's numbers with the names it was told, and the phones to offer", async () => {
    const sid = await h.buyNumber(COACH_NUMBER, `${receiver.url}/webhooks/twilio/sms`);
    expect(
      (await h.control('/names', { phoneNumber: COACH_NUMBER, name: 'Carla Reyes' })).status,
    ).toBe(201);
    await h.control('/names', { phoneNumber: STUDENT, name: 'Maya Johnson' });
    await h.control('/names', { phoneNumber: OTHER_STUDENT, name: 'Ethan Brooks' });
    await h.client.messages.create({ from: COACH_NUMBER, to: STRANGER, body: 'Hello?' });

    expect((await getJson('/_emulator/numbers')).body).toEqual({
      numbers: [
        {
          sid,
          phoneNumber: COACH_NUMBER,
          name: 'Carla Reyes',
          smsUrl: `${receiver.url}/webhooks/twilio/sms`,
        },
      ],
    });
    // Named phones by name, then those only seen; never the account's own numbers.
    expect((await getJson('/_emulator/phones')).body).toEqual({
      phones: [
        { phoneNumber: OTHER_STUDENT, name: 'Ethan Brooks' },
        { phoneNumber: STUDENT, name: 'Maya Johnson' },
        { phoneNumber: STRANGER, name: null },
      ],
    });
  });

  it('shows every message between a phone and the account, oldest first, with live statuses', async () => {
    await h.buyNumber(COACH_NUMBER, `${receiver.url}/webhooks/twilio/sms`);
    const texted = await h.control('/inbound', {
      from: STUDENT,
      to: COACH_NUMBER,
      body: 'Can we meet tomorrow?',
    });
    expect(texted.body).toMatchObject({ webhookStatus: 200 });
    // The webhook the simulator's Send causes is the one Twilio sends: signed, to the SmsUrl.
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].params).toMatchObject({ From: STUDENT, To: COACH_NUMBER });
    expect(receiver.received[0].headers['x-twilio-signature']).toBeTruthy();
    await h.client.messages.create({ from: COACH_NUMBER, to: STUDENT, body: 'Yes, 3pm.' });
    await h.client.messages.create({ from: COACH_NUMBER, to: OTHER_STUDENT, body: 'Not hers' });

    // Written as people write it: read as a US number.
    const thread = await eventually(async () => {
      const { status, body } = await getJson(
        `/_emulator/phones/${encodeURIComponent('(415) 555-0142')}/messages`,
      );
      expect(status).toBe(200);
      const messages = body.messages as SimulatorMessage[];
      expect(messages.map((m) => m.status)).toEqual(['received', 'delivered']);
      return body;
    });
    expect(thread).toMatchObject({ phoneNumber: STUDENT, name: null });
    expect(
      (thread.messages as SimulatorMessage[]).map(({ direction, from, to, body }) => ({
        direction,
        from,
        to,
        body,
      })),
    ).toEqual([
      { direction: 'inbound', from: STUDENT, to: COACH_NUMBER, body: 'Can we meet tomorrow?' },
      { direction: 'outbound-api', from: COACH_NUMBER, to: STUDENT, body: 'Yes, 3pm.' },
    ]);
  });

  it('refuses what is not a phone number, plainly', async () => {
    const { status, body } = await getJson('/_emulator/phones/12/messages');
    expect(status).toBe(400);
    expect(body).toEqual({ error: '12 is not a phone number' });
    expect((await h.control('/names', { phoneNumber: STUDENT, name: ' ' })).status).toBe(400);
  });

  it('takes back a number bought before a restart, with its SID and SmsUrl, once', async () => {
    const sid = `PN${'ab'.repeat(16)}`;
    const smsUrl = `${receiver.url}/webhooks/twilio/sms`;
    const adopted = await h.control('/numbers', { sid, phoneNumber: COACH_NUMBER, smsUrl });
    expect(adopted).toEqual({ status: 201, body: { sid, phoneNumber: COACH_NUMBER, smsUrl } });
    expect((await h.control('/numbers', { sid, phoneNumber: COACH_NUMBER, smsUrl })).status).toBe(
      200,
    );
    const fetched = await h.client.incomingPhoneNumbers(sid).fetch();
    expect(fetched).toMatchObject({ phoneNumber: COACH_NUMBER, smsUrl });
    // It sends and receives as a bought number does.
    await h.client.messages.create({ from: COACH_NUMBER, to: STUDENT, body: 'Back again' });
    const texted = await h.control('/inbound', { from: STUDENT, to: COACH_NUMBER, body: 'Hi' });
    expect(texted.body).toMatchObject({ webhookStatus: 200 });

    const otherSid = `PN${'cd'.repeat(16)}`;
    const taken = await h.control('/numbers', { sid: otherSid, phoneNumber: COACH_NUMBER, smsUrl });
    expect(taken.status).toBe(409);
    expect((await h.control('/numbers', { sid: 'PN1', phoneNumber: STUDENT })).status).toBe(400);
  });
});
