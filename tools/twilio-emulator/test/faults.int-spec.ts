import twilio from 'twilio';
import { startEmulator, type EmulatorHarness } from './support/emulator-harness';

const SENDER = '+14155238400';
const STUDENT = '+14155550101';

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

  const send = () => h.client.messages.create({ from: SENDER, to: STUDENT, body: 'x' });
  const sentCount = async () =>
    ((await h.control('/messages')).body as { messages: unknown[] }).messages.length;

  it('answers the next creates 429 with code 20429 without storing them, then recovers', async () => {
    await h.control('/faults', { kind: 'rate-limit', count: 2 });

    for (let i = 0; i < 2; i += 1) {
      const error = await send().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ status: 429, code: 20429 });
    }
    expect(await sentCount()).toBe(0);
    await expect(send()).resolves.toMatchObject({ status: 'queued' });
    expect(await sentCount()).toBe(1);
  });

  it('stores the next creates but drops the connection, so the client cannot tell', async () => {
    await h.control('/faults', { kind: 'drop-after-accept', count: 1 });

    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(await sentCount()).toBe(1);

    await expect(send()).resolves.toMatchObject({ status: 'queued' });
    expect(await sentCount()).toBe(2);
  });

  it('refuses an unknown fault kind', async () => {
    expect((await h.control('/faults', { kind: 'meteor', count: 1 })).status).toBe(400);
  });
});
