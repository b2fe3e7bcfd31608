import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { eventually } from '../../../test/support/eventually';
import { withPostgresStopped, withRabbitMqStopped } from '../../../test/support/infrastructure';
import { startSystem, TestSystem } from '../../../test/support/system';
import { postSignedForm } from '../../../test/support/webhooks';
import { STORE_DEADLINE_MS } from '../src/webhooks/accept-webhook.use-case';

const sid = (prefix = 'SM') => `${prefix}${randomBytes(16).toString('hex')}`;
const STUDENT = '+14155550123';

let system: TestSystem;
let staffNumber: string;

async function inject(
  body: Record<string, unknown>,
): Promise<{ messageSid: string; webhookStatus: number | null; webhookBody: string }> {
  const { status, body: answer } = await system.emulator.control('/inbound', {
    from: STUDENT,
    to: staffNumber,
    ...body,
  });
  expect(status).toBe(200);
  return answer as { messageSid: string; webhookStatus: number | null; webhookBody: string };
}

/** Posts a form to the gateway signed as Twilio would sign it (or with another token). */
function postSigned(path: string, params: Record<string, string>, token?: string) {
  return postSignedForm(system, path, params, { token });
}

async function storedInbound(messageSid: string) {
  const { rows } = await system.db.query<{ body: string; media: unknown; from_phone: string }>(
    "SELECT body, media, from_phone FROM messaging.messages WHERE twilio_sid = $1 AND direction = 'inbound'",
    [messageSid],
  );
  return rows;
}

/** Runs `work` while another session holds the receipts table: the gateway's inserts wait behind it. */
async function whileReceiptsLocked<T>(work: () => Promise<T>): Promise<T> {
  const holder = await system.db.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE gateway.received_webhooks IN EXCLUSIVE MODE');
    return await work();
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
  }
}

const inboundForm = (messageSid: string): Record<string, string> => ({
  MessageSid: messageSid,
  AccountSid: system.emulator.emulator.accountSid,
  From: STUDENT,
  To: staffNumber,
  Body: 'hello',
  NumMedia: '0',
});

beforeAll(async () => {
  system = await startSystem();
  const [available] = await system.emulator.client
    .availablePhoneNumbers('US')
    .local.list({ areaCode: 415, limit: 1 });
  staffNumber = available.phoneNumber;
  await system.emulator.buyNumber(staffNumber, `${system.url}/webhooks/twilio/sms`);
});

afterAll(async () => {
  await system?.close();
});

describe('inbound SMS webhook', () => {
  it('answers an empty TwiML response once stored, and messaging keeps the message', async () => {
    const answer = await inject({ body: 'Can we meet at 5?' });

    expect(answer.webhookStatus).toBe(200);
    expect(answer.webhookBody).toMatch(/<Response\/>$/);
    const [stored] = await eventually(async () => {
      const rows = await storedInbound(answer.messageSid);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(stored).toMatchObject({ body: 'Can we meet at 5?', from_phone: STUDENT });
  });

  it('answers with Content-Type text/xml', async () => {
    const response = await postSigned('/webhooks/twilio/sms', inboundForm(sid()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
  });

  it('keeps the media URLs and content types of an MMS', async () => {
    const answer = await inject({
      body: '',
      mediaUrls: ['https://api.twilio.com/media/1.jpg', 'https://api.twilio.com/media/2.png'],
      mediaContentTypes: ['image/jpeg', 'image/png'],
    });

    const [stored] = await eventually(async () => {
      const rows = await storedInbound(answer.messageSid);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(stored.media).toEqual([
      { url: 'https://api.twilio.com/media/1.jpg', contentType: 'image/jpeg' },
      { url: 'https://api.twilio.com/media/2.png', contentType: 'image/png' },
    ]);
  });

  it('stores the same MessageSid once when Twilio delivers it twice', async () => {
    const first = await inject({ body: 'twice' });
    const again = await inject({ body: 'twice', messageSid: first.messageSid });

    expect([first.webhookStatus, again.webhookStatus]).toEqual([200, 200]);
    await eventually(async () => expect(await storedInbound(first.messageSid)).toHaveLength(1));
    const { rows } = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM gateway.received_webhooks WHERE message_sid = $1',
      [first.messageSid],
    );
    expect(rows[0].n).toBe(1);
  });

  it('stores webhooks that arrive while a commit waits (repeats among them) each once, in shared commits', async () => {
    const sids = Array.from({ length: 40 }, () => sid());
    // The first commit waits behind another session's lock, so that what arrives meanwhile
    // gathers behind it however slowly this machine parses requests (alone on a starved CPU, each
    // was committed by itself before the next arrived).
    const { posting } = await whileReceiptsLocked(async () => {
      // Each twice, all at once: the repeats land in the same batch as their first, or the next.
      const posting = Promise.all(
        [...sids, ...sids].map((messageSid) =>
          postSigned('/webhooks/twilio/sms', inboundForm(messageSid)),
        ),
      );
      await eventually(async () => {
        const { rows } = await system.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%gateway.received_webhooks%'`,
        );
        expect(rows[0].n).toBeGreaterThan(0);
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Wrapped: returned bare, the answers would be awaited before the lock is let go.
      return { posting };
    });
    const answers = await posting;

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const { rows } = await system.db.query<{ message_sid: string; n: number }>(
      `SELECT message_sid, count(*)::int AS n FROM gateway.received_webhooks
        WHERE message_sid = ANY($1) GROUP BY message_sid`,
      [sids],
    );
    expect(rows.map((row) => row.n)).toEqual(sids.map(() => 1));
    const [{ commits }] = (
      await system.db.query<{ commits: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS commits FROM gateway.received_webhooks
          WHERE message_sid = ANY($1)`,
        [sids],
      )
    ).rows;
    expect(commits).toBeLessThan(sids.length);
    await eventually(async () => {
      const { rows: stored } = await system.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM messaging.messages WHERE twilio_sid = ANY($1)',
        [sids],
      );
      expect(stored[0].n).toBe(sids.length);
    });
  });

  it('refuses a webhook without a signature or with a wrong one: 403, nothing stored', async () => {
    const messageSid = sid();
    const unsigned = await fetch(`${system.url}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(inboundForm(messageSid)),
    });
    const wronglySigned = await postSigned(
      '/webhooks/twilio/sms',
      inboundForm(messageSid),
      'not-the-auth-token',
    );

    expect([unsigned.status, wronglySigned.status]).toEqual([403, 403]);
    const { rows } = await system.db.query(
      'SELECT 1 FROM gateway.received_webhooks WHERE message_sid = $1',
      [messageSid],
    );
    expect(rows).toHaveLength(0);
  });

  it('refuses a signed webhook that is not a message with 400 naming the fields', async () => {
    const response = await postSigned('/webhooks/twilio/sms', { From: STUDENT, Body: 'hi' });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { message: string[] };
    expect(error.message.join(' ')).toMatch(/messageSid/);
    expect(error.message.join(' ')).toMatch(/to/);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const response = await postSigned('/webhooks/twilio/sms', {
      ...inboundForm(sid()),
      Body: 'x'.repeat(70_000),
    });
    expect(response.status).toBe(413);
  });

  it('accepts webhooks while RabbitMQ is down and delivers them once it is back', async () => {
    const answer = await withRabbitMqStopped(async () => {
      const accepted = await inject({ body: 'sent during a broker outage' });
      expect(accepted.webhookStatus).toBe(200);
      expect(await storedInbound(accepted.messageSid)).toHaveLength(0);
      return accepted;
    });

    await eventually(async () => expect(await storedInbound(answer.messageSid)).toHaveLength(1), {
      timeoutMs: 30_000,
    });
  });

  it('answers 503, never 200, while Postgres is down, and stores the message when Twilio retries', async () => {
    const messageSid = sid();
    await withPostgresStopped(async () => {
      const refused = await inject({ body: 'sent during a database outage', messageSid });
      expect(refused.webhookStatus).toBe(503);
    });

    // Twilio retries the same message; now it is stored.
    const retried = await eventually(
      async () => {
        const answer = await inject({ body: 'sent during a database outage', messageSid });
        expect(answer.webhookStatus).toBe(200);
        return answer;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    await eventually(async () => expect(await storedInbound(retried.messageSid)).toHaveLength(1), {
      timeoutMs: 20_000,
    });
  });

  it('answers 503 to a webhook it could not store within 10 s, and stores it once when Twilio retries', async () => {
    const messageSid = sid();
    await whileReceiptsLocked(async () => {
      const sentAt = Date.now();
      const refused = await inject({ body: 'sent while the database is stuck', messageSid });
      expect(refused.webhookStatus).toBe(503);
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(STORE_DEADLINE_MS - 100);
      expect(Date.now() - sentAt).toBeLessThan(STORE_DEADLINE_MS + 3_000);
    });

    // The refused webhook's insert went on once the lock was gone; Twilio's retry is a repeat.
    const retried = await inject({ body: 'sent while the database is stuck', messageSid });
    expect(retried.webhookStatus).toBe(200);
    await eventually(async () => expect(await storedInbound(messageSid)).toHaveLength(1), {
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storedInbound(messageSid)).toHaveLength(1);
  });
});

describe('status callback webhook', () => {
  it('records each status once, however often Twilio repeats it', async () => {
    const messageSid = sid();
    const callback = (status: string, errorCode?: string) =>
      postSigned('/webhooks/twilio/status', {
        MessageSid: messageSid,
        AccountSid: system.emulator.emulator.accountSid,
        MessageStatus: status,
        ...(errorCode ? { ErrorCode: errorCode } : {}),
      });

    const statuses = [
      (await callback('delivered')).status,
      (await callback('sent')).status,
      (await callback('delivered')).status,
      (await callback('undelivered', '30003')).status,
    ];

    expect(statuses).toEqual([200, 200, 200, 200]);
    await eventually(async () => {
      const { rows } = await system.db.query<{ status: string; error_code: string | null }>(
        'SELECT status, error_code FROM messaging.status_reports WHERE message_sid = $1 ORDER BY status',
        [messageSid],
      );
      expect(rows).toEqual([
        { status: 'delivered', error_code: null },
        { status: 'sent', error_code: null },
        { status: 'undelivered', error_code: '30003' },
      ]);
    });
  });

  it('refuses an unknown status with 400', async () => {
    const response = await postSigned('/webhooks/twilio/status', {
      MessageSid: sid(),
      MessageStatus: 'teleported',
    });
    expect(response.status).toBe(400);
  });
});

describe('gateway health and docs', () => {
  it('keeps up to 4,096 connections waiting to be accepted, so a burst of webhooks is not dropped', async () => {
    const port = new URL(system.url).port;
    const { stdout } = await promisify(execFile)('ss', ['-ltnH', `sport = :${port}`]);
    // For a listening socket, ss shows the accept queue's limit as Send-Q.
    const [, , backlog] = stdout.trim().split(/\s+/);
    expect(Number(backlog)).toBe(4096);
  });

  it('serves its OpenAPI description at /api/docs, generated from the code', async () => {
    const page = await fetch(`${system.url}/api/docs`);
    expect(page.status).toBe(200);
    const document = (await (await fetch(`${system.url}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/webhooks/twilio/sms', '/webhooks/twilio/status', '/health/ready']),
    );
  });

  it('is ready only while all five services answer over the broker', async () => {
    const ready = await fetch(`${system.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { info: Record<string, { status: string }> };
    expect(Object.keys(body.info).sort()).toEqual(
      ['gateway', 'messaging', 'notification', 'numbers', 'routing'].sort(),
    );

    await system.stop('routing');
    const notReady = await fetch(`${system.url}/health/ready`);
    expect(notReady.status).toBe(503);
    const failure = (await notReady.json()) as { error: Record<string, { status: string }> };
    expect(Object.keys(failure.error)).toEqual(['routing']);
    expect((await fetch(`${system.url}/health`)).status).toBe(200);
  });
});
