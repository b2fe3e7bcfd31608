import { randomBytes, randomInt } from 'node:crypto';
import { Role } from '@fidelis/contracts';
import { twilioSignature } from '@fidelis/twilio';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { bearer, tokenFor } from '../support/tokens';
import { postSignedForm } from '../support/webhooks';

/**
 * Issue 6's hostile input: what reaches the gateway from the internet — forged, malformed,
 * oversized, mistyped, or carrying SQL and script — is refused with a 4xx, or stored exactly as
 * sent and served back as data; nothing is stored twice or half, and the system stays ready.
 */
const hex = () => randomBytes(4).toString('hex');
const sid = () => `SM${randomBytes(16).toString('hex')}`;
const admin = { staffId: `admin-${hex()}`, role: 'admin' as Role };
const coach = { staffId: `coach-${hex()}`, role: 'coach' as Role };
const studentPhone = `+1415${randomInt(2_000_000, 9_000_000)}`;
const SMS_PATH = '/webhooks/twilio/sms';

let system: TestSystem;
let staffNumber: string;

const form = (messageSid: string, overrides: Record<string, string> = {}) => ({
  MessageSid: messageSid,
  AccountSid: system.env.TWILIO_ACCOUNT_SID ?? '',
  From: studentPhone,
  To: staffNumber,
  Body: 'hello',
  NumMedia: '0',
  ...overrides,
});

/** A raw request to the gateway, signed over `signedParams` when given (as Twilio would). */
async function raw(
  path: string,
  init: {
    method?: string;
    contentType?: string;
    body?: string;
    signedParams?: object;
    /** The path the signature is made for, when not `path` itself. */
    signedPath?: string;
  } = {},
): Promise<number> {
  const url = `${system.url}${path}`;
  const headers: Record<string, string> = {};
  if (init.contentType) headers['Content-Type'] = init.contentType;
  if (init.signedParams) {
    headers['X-Twilio-Signature'] = twilioSignature(
      system.env.TWILIO_AUTH_TOKEN ?? '',
      `${system.url}${init.signedPath ?? path}`,
      init.signedParams as Record<string, string>,
    );
  }
  const response = await fetch(url, { method: init.method ?? 'POST', headers, body: init.body });
  await response.arrayBuffer();
  return response.status;
}

async function receivedWebhooks(messageSid: string): Promise<number> {
  const { rows } = await system.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM gateway.received_webhooks WHERE message_sid = $1',
    [messageSid],
  );
  return rows[0].n;
}

/** The message as the dashboard gets it: from the global tab, looked up by its Twilio SID. */
async function served(messageSid: string) {
  return eventually(async () => {
    const response = await system.api('GET', `/api/sms?limit=200&staffId=${coach.staffId}`, {
      as: admin,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const message = (response.body.items as { twilioSid: string; body: string }[]).find(
      (item) => item.twilioSid === messageSid,
    );
    expect(message).toBeDefined();
    return message!;
  });
}

beforeAll(async () => {
  system = await startSystem();
  await system.api('PUT', `/api/staff/${admin.staffId}`, {
    as: admin,
    body: { name: 'Admin', email: 'admin@example.edu', role: 'admin' },
  });
  await system.api('PUT', `/api/staff/${coach.staffId}`, {
    as: admin,
    body: { name: 'Coach', email: `${coach.staffId}@example.edu`, role: 'coach' },
  });
  const bought = await system.api('POST', '/api/numbers', {
    as: admin,
    body: { areaCode: '415', staffId: coach.staffId },
  });
  expect(bought.status).toBe(201);
  staffNumber = bought.body.phoneNumber;
  await eventually(async () => {
    const { rows } = await system.db.query(
      `SELECT 1 FROM routing.number_assignments
        WHERE phone_number = $1 AND staff_id = $2 AND started_at IS NOT NULL AND ended_at IS NULL`,
      [staffNumber, coach.staffId],
    );
    expect(rows).toHaveLength(1);
  });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('forged and malformed webhooks', () => {
  const urlencoded = 'application/x-www-form-urlencoded';
  const formText = (messageSid: string, overrides: Record<string, string> = {}) =>
    new URLSearchParams(form(messageSid, overrides)).toString();
  const cases: [string, (messageSid: string) => Promise<number>, number][] = [
    ['no signature', (s) => raw(SMS_PATH, { contentType: urlencoded, body: formText(s) }), 403],
    [
      'a signature made with another token',
      (s) => postSignedForm(system, SMS_PATH, form(s), { token: 'guessed' }).then((r) => r.status),
      403,
    ],
    [
      'a signature for another body',
      (s) =>
        raw(SMS_PATH, {
          contentType: urlencoded,
          body: formText(s, { Body: 'tampered' }),
          signedParams: form(s),
        }),
      403,
    ],
    [
      'a signature for another URL',
      (s) =>
        raw(`${SMS_PATH}?replayed=1`, {
          contentType: urlencoded,
          body: formText(s),
          signedParams: form(s),
          signedPath: SMS_PATH,
        }),
      403,
    ],
    [
      'a malformed form',
      () => raw(SMS_PATH, { contentType: urlencoded, body: '%E0%A4%A&&==&Body=%%%&MessageSid' }),
      403,
    ],
    [
      'JSON instead of a form',
      (s) =>
        raw(SMS_PATH, {
          contentType: 'application/json',
          body: JSON.stringify(form(s)),
          signedParams: form(s),
        }),
      415,
    ],
    [
      'text/plain',
      (s) => raw(SMS_PATH, { contentType: 'text/plain', body: formText(s), signedParams: form(s) }),
      415,
    ],
    [
      'multipart/form-data',
      (s) =>
        raw(SMS_PATH, {
          contentType: 'multipart/form-data; boundary=x',
          body: `--x\r\nContent-Disposition: form-data; name="MessageSid"\r\n\r\n${s}\r\n--x--\r\n`,
          signedParams: form(s),
        }),
      415,
    ],
    [
      'XML with an external entity',
      () =>
        raw(SMS_PATH, {
          contentType: 'application/xml',
          body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        }),
      415,
    ],
    ['a body without a content type', () => raw(SMS_PATH, { body: 'Body=hi' }), 415],
    [
      'a form over 64 KB',
      (s) =>
        postSignedForm(system, SMS_PATH, form(s, { Body: 'x'.repeat(70_000) })).then(
          (r) => r.status,
        ),
      413,
    ],
    [
      'a signed form that is not a message',
      () =>
        postSignedForm(system, SMS_PATH, { Body: "'; DROP TABLE messaging.messages; --" }).then(
          (r) => r.status,
        ),
      400,
    ],
    [
      "a signed form with a SID that is not Twilio's",
      () => postSignedForm(system, SMS_PATH, form("SM' OR '1'='1")).then((r) => r.status),
      400,
    ],
    [
      'a signed status callback with an unknown status',
      (s) =>
        postSignedForm(system, '/webhooks/twilio/status', {
          MessageSid: s,
          MessageStatus: "delivered'; --",
        }).then((r) => r.status),
      400,
    ],
    ['GET on the webhook', () => raw(SMS_PATH, { method: 'GET' }), 404],
  ];

  it.each(cases)('refuses %s, and stores nothing', async (_name, send, expected) => {
    const messageSid = sid();
    expect(await send(messageSid)).toBe(expected);
    expect(await receivedWebhooks(messageSid)).toBe(0);
  });
});

describe('signed webhooks carrying SQL, script and odd characters', () => {
  const bodies: [string, string, string][] = [
    [
      'SQL',
      "Robert'); DROP TABLE messaging.messages; --",
      "Robert'); DROP TABLE messaging.messages; --",
    ],
    [
      'a script',
      '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>',
      '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>',
    ],
    ['a tsquery', "!(a & b) | c:* <-> 'd'", "!(a & b) | c:* <-> 'd'"],
    [
      'emoji, right-to-left and combining marks',
      'Ok 👍🏽 مرحبا e\u0301 \u202Eevil',
      'Ok 👍🏽 مرحبا e\u0301 \u202Eevil',
    ],
    [
      'JSON',
      '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
      '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
    ],
    // Postgres text cannot hold NUL: it becomes U+FFFD, visibly, rather than refusing the message.
    ['a NUL character', 'before\u0000after', 'before\uFFFDafter'],
  ];

  it.each(bodies)(
    'stores %s verbatim and serves it back as JSON data',
    async (_name, body, stored) => {
      const messageSid = sid();
      const response = await postSignedForm(system, SMS_PATH, form(messageSid, { Body: body }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect((await served(messageSid)).body).toBe(stored);
    },
  );

  it('answers searches with SQL and tsquery syntax in them as plain words', async () => {
    for (const q of [
      "'; DROP TABLE messaging.messages; --",
      '!(a & b) | c:* <->',
      '"unclosed',
      '\\',
      'x'.repeat(200),
    ]) {
      const response = await system.api('GET', `/api/sms?q=${encodeURIComponent(q)}`, {
        as: admin,
      });
      expect({ q: q.slice(0, 40), status: response.status }).toEqual({
        q: q.slice(0, 40),
        status: 200,
      });
    }
    const tooLong = await system.api('GET', `/api/sms?q=${'x'.repeat(201)}`, { as: admin });
    expect(tooLong.status).toBe(400); // searches are at most 200 characters
    const found = await system.api('GET', `/api/sms?q=${encodeURIComponent('DROP TABLE')}`, {
      as: admin,
    });
    expect(found.body.items.length).toBeGreaterThan(0);
  });
});

describe('hostile requests to the REST API', () => {
  it('refuses them with 4xx and changes nothing', async () => {
    const call = async (method: string, path: string, contentType?: string, body?: string) => {
      const response = await fetch(`${system.url}${path}`, {
        method,
        headers: {
          ...bearer(tokenFor(admin.staffId, 'admin')),
          ...(contentType ? { 'Content-Type': contentType } : {}),
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    };
    const attempts = {
      brokenJson: await call('PUT', `/api/staff/x-${hex()}`, 'application/json', '{"name": "A",'),
      formInsteadOfJson: await call(
        'PUT',
        `/api/staff/x-${hex()}`,
        'application/x-www-form-urlencoded',
        'name=A&email=a@example.edu&role=admin',
      ),
      prototypePollution: await call(
        'PUT',
        `/api/staff/x-${hex()}`,
        'application/json',
        '{"__proto__": {"role": "admin"}, "name": "A", "email": "a@example.edu"}',
      ),
      sqlInPath: await call('GET', `/api/students/${encodeURIComponent("' OR '1'='1")}`),
      sqlInRole: await call(
        'PUT',
        `/api/staff/x-${hex()}`,
        'application/json',
        JSON.stringify({ name: 'A', email: 'a@example.edu', role: "admin' --" }),
      ),
      oversizedJson: await call(
        'POST',
        '/api/students/import',
        'application/json',
        JSON.stringify([{ id: 'x', name: 'y'.repeat(6_000_000) }]),
      ),
      badCursor: await call('GET', `/api/sms?before=${encodeURIComponent("' OR 1=1 --")}`),
      badLimit: await call('GET', '/api/sms?limit=1;DROP'),
    };
    expect(attempts).toEqual({
      brokenJson: 400,
      formInsteadOfJson: 415,
      prototypePollution: 400,
      sqlInPath: 404,
      sqlInRole: 400,
      oversizedJson: 413,
      badCursor: 400,
      badLimit: 400,
    });
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });
});

describe('afterwards', () => {
  it('is still ready, and a plain reply is still stored and served', async () => {
    expect((await fetch(`${system.url}/health/ready`)).status).toBe(200);
    const messageSid = sid();
    const response = await postSignedForm(
      system,
      SMS_PATH,
      form(messageSid, { Body: 'still here' }),
    );
    expect(response.status).toBe(200);
    expect((await served(messageSid)).body).toBe('still here');
    expect(await receivedWebhooks(messageSid)).toBe(1);
  });
});
